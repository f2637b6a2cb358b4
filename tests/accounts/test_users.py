"""Signing in, the lockout, passwords, and the administrator's account work, on both engines."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import time

import pytest

from kupang_desk import clock
from kupang_desk.accounts import users
from kupang_desk.accounts.users import SignInFailed
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.models import AuditEvent, User
from tests.helpers.clock import NOW


def _minutes_pass(minutes: float) -> None:
    """The lock's clock moves on (the server's on PostgreSQL, which a test cannot set): the lock
    is moved back by as much."""
    for user in User.select().where(User.locked_until.is_null(False)):
        User.update(locked_until=user.locked_until - dt.timedelta(minutes=minutes)).where(User.id == user.id).execute()


@pytest.fixture
def admin(database):
    return users.create_user("admin", "Maria Bere", "administrator", "rahasia-kuat-1", must_change=False)


def test_password_is_argon2id_and_sign_in_records_the_event(admin):
    assert admin.password_hash.startswith("$argon2id$") and "rahasia" not in admin.password_hash
    user = users.authenticate("  ADMIN ", "rahasia-kuat-1")
    assert user.id == admin.id and abs(User.get_by_id(admin.id).last_sign_in - NOW) < dt.timedelta(minutes=1)
    assert AuditEvent.select().where(AuditEvent.action == "sign_in").get().user_id == admin.id


def test_a_password_hashed_at_the_old_cost_still_signs_in_and_is_rehashed_at_owasps(admin):
    """Accounts made before the cost changed (argon2-cffi's 64 MiB default) keep working; the first
    sign-in stores the hash again at 19 MiB, two passes, one lane."""
    from argon2 import PasswordHasher

    assert "$m=19456,t=2,p=1$" in admin.password_hash
    User.update(password_hash=PasswordHasher().hash("rahasia-kuat-1")).where(User.id == admin.id).execute()
    assert "$m=65536,t=3,p=4$" in User.get_by_id(admin.id).password_hash
    users.authenticate("admin", "rahasia-kuat-1")
    assert "$m=19456,t=2,p=1$" in User.get_by_id(admin.id).password_hash
    assert users.authenticate("admin", "rahasia-kuat-1").id == admin.id


def test_five_wrong_passwords_lock_for_five_minutes(admin):
    for attempt in range(1, 5):
        with pytest.raises(SignInFailed, match=f"Sisa percobaan sebelum akun dikunci: {5 - attempt}"):
            users.authenticate("admin", "salah")
    until = format_datetime(clock.now() + dt.timedelta(minutes=5))
    with pytest.raises(SignInFailed, match=f"dikunci sampai {until}"):
        users.authenticate("admin", "salah")
    # Even the right password is refused while locked, and says until when.
    _minutes_pass(4)
    with pytest.raises(SignInFailed, match="dikunci sampai"):
        users.authenticate("admin", "rahasia-kuat-1")
    _minutes_pass(1.1)
    assert users.authenticate("admin", "rahasia-kuat-1").id == admin.id
    assert AuditEvent.select().where(AuditEvent.action == "sign_in_failed").count() == 6


def test_the_count_goes_on_across_a_lock_until_a_right_password(admin):
    """A lock that ends does not give five fresh guesses: the sixth wrong password after it locks
    again at the tenth; a right one starts the count anew."""
    for _ in range(5):
        with pytest.raises(SignInFailed):
            users.authenticate("admin", "salah")
    _minutes_pass(6)
    for attempt in range(1, 5):
        with pytest.raises(SignInFailed, match=f"Sisa percobaan sebelum akun dikunci: {5 - attempt}"):
            users.authenticate("admin", "salah")
    with pytest.raises(SignInFailed, match="dikunci sampai"):
        users.authenticate("admin", "salah")
    assert User.get_by_id(admin.id).failed_attempts == 10
    _minutes_pass(6)
    users.authenticate("admin", "rahasia-kuat-1")
    assert User.get_by_id(admin.id).failed_attempts == 0


SIGN_IN = textwrap.dedent("""
    import sys
    from kupang_desk.models import database
    from kupang_desk.accounts import users
    database.connect(sys.argv[1], migrate=False, seed=False)
    for password in sys.argv[2:]:
        try:
            users.authenticate("admin", password)
            print("in", flush=True)
        except users.SignInFailed as error:
            print("locked" if "dikunci" in str(error) else "wrong", flush=True)
""")


def _sign_in_from_another_pc(db_url: str, passwords: list[str], **environment: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SIGN_IN, db_url, *passwords], capture_output=True, text=True,
                          env={**os.environ, **environment}, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_pc_with_its_time_zone_ahead_neither_guesses_again_nor_gets_in_while_locked(admin, db_url):
    """The lock is timed in UTC (the server's clock on PostgreSQL): a PC whose time zone is set six
    minutes or an hour ahead sees the same lock as the PC that set it."""
    for _ in range(5):
        with pytest.raises(SignInFailed):
            users.authenticate("admin", "salah")
    guessed = _sign_in_from_another_pc(db_url, [f"tebak-{n}" for n in range(24)], TZ="UTC-00:06")
    assert guessed == ["locked"] * 24 and User.get_by_id(admin.id).failed_attempts == 5
    assert _sign_in_from_another_pc(db_url, ["rahasia-kuat-1"], TZ="UTC-01:00") == ["locked"]


def test_a_pc_whose_clock_runs_a_day_ahead_locks_for_five_minutes_only(admin, db_url):
    """Five wrong guesses from a PC 23 hours ahead: the clerk waits five minutes, not 23 hours."""
    from tests.helpers.clock import OFFSET_VARIABLE

    ahead = {OFFSET_VARIABLE: repr(clock.offset() + 23 * 3600)}
    assert _sign_in_from_another_pc(db_url, ["salah"] * 5, **ahead)[-1] == "locked"
    with pytest.raises(SignInFailed, match="dikunci sampai"):
        users.authenticate("admin", "rahasia-kuat-1")
    _minutes_pass(5.1)
    assert users.authenticate("admin", "rahasia-kuat-1").id == admin.id


def test_unknown_name_and_disabled_account(admin):
    with pytest.raises(SignInFailed, match="Nama pengguna atau kata sandi salah"):
        users.authenticate("siapa", "rahasia-kuat-1")
    clerk = users.create_user("agnes", "Agnes Manafe", "pendaftaran", "sementara-123", by=admin)
    users.set_active(clerk.id, False, by=admin)
    with pytest.raises(SignInFailed, match="dinonaktifkan"):
        users.authenticate("agnes", "sementara-123")
    assert User.get_by_id(clerk.id).username == "agnes"  # disabled, never deleted


def test_a_reset_password_must_be_changed_and_the_rules_hold(admin):
    clerk = users.create_user("agnes.manafe", "Agnes Manafe", "pendaftaran", "sementara-123", by=admin)
    assert clerk.must_change_password
    with pytest.raises(KnownError, match="paling sedikit 8"):
        users.change_password(clerk, "sementara-123", "pendek")
    with pytest.raises(KnownError, match="lama salah"):
        users.change_password(clerk, "keliru-123", "kata-sandi-baru")
    with pytest.raises(KnownError, match="sama dengan nama pengguna"):
        users.change_password(clerk, "sementara-123", "Agnes.Manafe")
    users.change_password(clerk, "sementara-123", "kata-sandi-baru")
    assert not User.get_by_id(clerk.id).must_change_password
    users.reset_password(clerk.id, "sementara-456", by=admin)
    assert User.get_by_id(clerk.id).must_change_password
    assert users.authenticate("agnes.manafe", "sementara-456").id == clerk.id


def test_account_rules(admin):
    with pytest.raises(KnownError, match="Nama pengguna 3-40"):
        users.create_user("A B", "Siapa", "poli", "rahasia-123", by=admin)
    users.create_user("poli1", "dr. Yohanes", "poli", "rahasia-123", by=admin)
    with pytest.raises(KnownError, match="sudah dipakai"):
        users.create_user("poli1", "dr. Lain", "poli", "rahasia-123", by=admin)
    with pytest.raises(KnownError, match="administrator aktif terakhir"):
        users.set_active(admin.id, False, by=admin)
    with pytest.raises(KnownError, match="administrator aktif terakhir"):
        users.set_role(admin.id, "pimpinan", by=admin)


GUESSER = textwrap.dedent("""
    import sys, time
    from kupang_desk.models import database
    from kupang_desk.accounts import users
    database.connect(sys.argv[1], migrate=False, seed=False)
    start = float(sys.argv[2])
    time.sleep(max(0.0, start - time.time()))  # every process guesses at the same moment
    for guess in range(4):
        try:
            users.authenticate("admin", f"salah-{guess}")
        except users.SignInFailed as error:
            print("locked" if "dikunci sampai" in str(error) else "wrong", flush=True)
""")


@pytest.mark.serial
def test_parallel_wrong_passwords_lock_the_account_after_exactly_five(admin, db_url):
    """8 PCs x 4 wrong passwords at once: each attempt is counted, the fifth locks the account and
    every later one is refused as locked (it used to check all 32 and never lock on PostgreSQL)."""
    from kupang_desk.models import database

    database.close()
    start = time.time() + 3
    processes = [subprocess.Popen([sys.executable, "-c", GUESSER, db_url, str(start)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(8)]
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err
        outcomes += out.split()
    database.connect(db_url)
    assert len(outcomes) == 32
    counted = AuditEvent.select().where((AuditEvent.action == "sign_in_failed") & AuditEvent.details.contains('"password"'))
    assert counted.count() == 5  # the guesses that were checked against the password
    assert outcomes.count("wrong") == 4 and outcomes.count("locked") == 28  # the fifth says locked, and all after it
    assert User.get_by_id(admin.id).locked_until is not None
