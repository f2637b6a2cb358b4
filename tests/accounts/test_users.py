"""Signing in, the lockout, passwords, and the administrator's account work, on both engines."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time

import pytest

from kupang_desk.accounts import users
from kupang_desk.accounts.users import SignInFailed
from kupang_desk.errors import KnownError
from kupang_desk.models import AuditEvent, User

T0 = dt.datetime(2026, 11, 28, 9, 0, 0)


@pytest.fixture
def admin(database):
    return users.create_user("admin", "Maria Bere", "administrator", "rahasia-kuat-1", must_change=False)


def test_password_is_argon2id_and_sign_in_records_the_event(admin):
    assert admin.password_hash.startswith("$argon2id$") and "rahasia" not in admin.password_hash
    user = users.authenticate("  ADMIN ", "rahasia-kuat-1", at=T0)
    assert user.id == admin.id and User.get_by_id(admin.id).last_sign_in == T0
    assert AuditEvent.select().where(AuditEvent.action == "sign_in").get().user_id == admin.id


def test_a_password_hashed_at_the_old_cost_still_signs_in_and_is_rehashed_at_owasps(admin):
    """Accounts made before the cost changed (argon2-cffi's 64 MiB default) keep working; the first
    sign-in stores the hash again at 19 MiB, two passes, one lane."""
    from argon2 import PasswordHasher

    assert "$m=19456,t=2,p=1$" in admin.password_hash
    User.update(password_hash=PasswordHasher().hash("rahasia-kuat-1")).where(User.id == admin.id).execute()
    assert "$m=65536,t=3,p=4$" in User.get_by_id(admin.id).password_hash
    users.authenticate("admin", "rahasia-kuat-1", at=T0)
    assert "$m=19456,t=2,p=1$" in User.get_by_id(admin.id).password_hash
    assert users.authenticate("admin", "rahasia-kuat-1", at=T0).id == admin.id


def test_five_wrong_passwords_lock_for_five_minutes(admin):
    for attempt in range(1, 5):
        with pytest.raises(SignInFailed, match=f"Sisa percobaan sebelum akun dikunci: {5 - attempt}"):
            users.authenticate("admin", "salah", at=T0)
    with pytest.raises(SignInFailed, match="dikunci sampai 28 November 2026 09.05"):
        users.authenticate("admin", "salah", at=T0)
    # Even the right password is refused while locked, and says until when.
    with pytest.raises(SignInFailed, match="dikunci sampai"):
        users.authenticate("admin", "rahasia-kuat-1", at=T0 + dt.timedelta(minutes=4))
    assert users.authenticate("admin", "rahasia-kuat-1", at=T0 + dt.timedelta(minutes=5, seconds=1)).id == admin.id
    assert AuditEvent.select().where(AuditEvent.action == "sign_in_failed").count() == 6


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
