"""Accounts: passwords (argon2id), sign-in with lockout, and the administrator's account work.

Every fifth wrong password in a row locks the account for five minutes; the count starts again
only at a right password or the administrator's reset. The lock is timed by one clock for every
PC: the database server's on PostgreSQL, UTC seconds on SQLite's one PC; never a PC's time zone
(a PC set ahead neither unlocks an account early nor locks it for longer than five minutes).
Accounts are disabled, never deleted, because the audit trail names them. A password set by the
administrator (a new account, a reset) must be changed at the next sign-in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import peewee as pw
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kupang_desk import audit, clock
from kupang_desk.accounts.permissions import ROLES, require, role_label
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import User, db, now, writing

MIN_LENGTH = 8
MAX_ATTEMPTS = 5
LOCK_MINUTES = 5
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
# Argon2id at OWASP's recommended cost (19 MiB, two passes, one lane) rather than argon2-cffi's
# default (RFC 9106's 64 MiB, three passes, four lanes): an old office PC signs in in 0.05 s instead of
# 0.17 s and without a 64 MiB spike on top of the open window. Wrong guesses are still locked out
# after five; a password hashed at the old cost is verified as it is and rehashed at this one.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class SignInFailed(KnownError):
    """Wrong name or password, a locked or a disabled account: the message says which and what to do."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, username: str = "") -> None:
    if len(password or "") < MIN_LENGTH:
        raise KnownError(_("Kata sandi paling sedikit {count} karakter.").format(count=MIN_LENGTH))
    if username and password.strip().lower() == username.strip().lower():
        raise KnownError(_("Kata sandi tidak boleh sama dengan nama pengguna."))


def _verify(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def lock_clock() -> dt.datetime:
    """Now, for the lockout, in UTC: the PostgreSQL server's clock (one for every PC of the office),
    else this PC's seconds since the epoch (which no time-zone setting moves)."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        seconds = db.execute_sql("SELECT EXTRACT(EPOCH FROM clock_timestamp())").fetchone()[0]
        return dt.datetime.fromtimestamp(float(seconds), dt.UTC).replace(tzinfo=None)
    return dt.datetime.fromtimestamp(clock.timestamp(), dt.UTC).replace(tzinfo=None)


def _lock_left(user: User, moment: dt.datetime) -> dt.timedelta | None:
    """How long ``user`` stays locked from ``moment`` (None: not locked). A lock set further ahead
    than the lockout lasts (by a PC whose clock ran ahead, or an older version's local time) is
    cut back to the lockout's length, and kept so."""
    if user.locked_until is None or user.locked_until <= moment:
        return None
    longest = dt.timedelta(minutes=LOCK_MINUTES)
    if user.locked_until - moment > longest:
        user.locked_until = moment + longest
        User.update(locked_until=user.locked_until).where(User.id == user.id).execute()
    return user.locked_until - moment


def _until(left: dt.timedelta) -> str:
    """When a lock ends, on this PC's clock as the clerk reads it."""
    return format_datetime(clock.now() + left)


def authenticate(username: str, password: str, *, name_known: bool = False) -> User:
    """The user when the name and password are right; otherwise ``SignInFailed`` (and a wrong
    password counts towards the lockout). Every attempt is in the audit trail."""
    at = now()
    name = (username or "").strip().lower()
    with writing():
        # One attempt at a time per account: the row is locked on PostgreSQL (SQLite's writing()
        # already holds the write lock), so parallel wrong guesses each count and lock at five.
        query = User.select().where(User.username == name)
        user = (query.for_update() if isinstance(db.obj, pw.PostgresqlDatabase) else query).first()
        moment = lock_clock()
        left = _lock_left(user, moment) if user is not None else None
        if user is None:
            audit.record("sign_in_failed", "user", "", {"username": name, "why": "unknown"})
            failure = _("Nama pengguna atau kata sandi salah.")
        elif not user.active:
            audit.record("sign_in_failed", "user", user.id, {"why": "disabled"})
            failure = _("Akun {name} dinonaktifkan. Hubungi administrator.").format(name=user.username)
        elif left is not None:
            audit.record("sign_in_failed", "user", user.id, {"why": "locked"})
            failure = _("Akun {name} dikunci sampai {time} karena {count} kali salah kata sandi. Coba lagi sesudahnya, "
                        "atau minta administrator mengatur ulang kata sandi.").format(
                name=user.username, time=_until(left), count=MAX_ATTEMPTS)
        elif not _verify(user, password or ""):
            user.failed_attempts += 1  # counted on, across locks, until a right password or a reset
            remaining = MAX_ATTEMPTS - user.failed_attempts % MAX_ATTEMPTS
            if remaining == MAX_ATTEMPTS:
                user.locked_until = moment + dt.timedelta(minutes=LOCK_MINUTES)
                failure = _("Kata sandi salah {count} kali. Akun {name} dikunci sampai {time}.").format(
                    count=MAX_ATTEMPTS, name=user.username, time=_until(user.locked_until - moment))
            elif name_known:  # unlocking one's own session: there is no user name to get wrong
                failure = _("Kata sandi salah. Sisa percobaan sebelum akun dikunci: {left}.").format(left=remaining)
            else:
                failure = _("Nama pengguna atau kata sandi salah. Sisa percobaan sebelum akun dikunci: {left}.").format(
                    left=remaining)
            user.save()
            audit.record("sign_in_failed", "user", user.id, {"why": "password", "locked": user.locked_until is not None})
        else:
            user.failed_attempts, user.locked_until, user.last_sign_in = 0, None, at
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.save()
            audit.record("sign_in", "user", user.id, {}, user)
            return user
    raise SignInFailed(failure)


def verify_again(user: User, password: str) -> User:
    """Unlocking an idle session: the same account's password (wrong ones count towards the lockout)."""
    return authenticate(user.username, password, name_known=True)


def change_password(user: User, old: str, new: str) -> None:
    """The user's own change; ``old`` must be right."""
    with writing():
        fresh = User.get_by_id(user.id)
        if not _verify(fresh, old or ""):
            raise KnownError(_("Kata sandi lama salah."))
        check_password_rules(new, fresh.username)
        if _verify(fresh, new):
            raise KnownError(_("Kata sandi baru harus berbeda dari yang lama."))
        fresh.password_hash, fresh.must_change_password = hash_password(new), False
        fresh.save()
        user.must_change_password = False
        audit.record("password_change", "user", fresh.id, {}, fresh)


def create_user(username: str, full_name: str, role: str, password: str, *, nip: str = "", by: User | None = None,
                must_change: bool = True) -> User:
    actor = require("users.manage", by)
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise KnownError(_("Nama pengguna 3-40 huruf kecil, angka, titik, garis bawah atau tanda hubung, misalnya 'agnes.m'."))
    if not " ".join((full_name or "").split()):
        raise KnownError(_("Nama lengkap wajib diisi."))
    if role not in ROLES:
        raise KnownError(_("Peran '{role}' tidak dikenal.").format(role=role))
    check_password_rules(password, name)
    with writing():
        if User.select().where(User.username == name).exists():
            raise KnownError(_("Nama pengguna {name} sudah dipakai.").format(name=name))
        user = User.create(username=name, full_name=" ".join(full_name.split()), role=role, nip=nip.strip(),
                           password_hash=hash_password(password), must_change_password=must_change)
        audit.record("create", "user", user.id, {"username": name, "role": role}, actor)
    return user


def _admins_left(excluding: int) -> int:
    return User.select().where((User.role == "administrator") & User.active & (User.id != excluding)).count()


def set_active(user_id: int, active: bool, *, by: User | None = None) -> User:
    actor = require("users.manage", by)
    with writing():
        user = User.get_by_id(user_id)
        if not active and user.role == "administrator" and _admins_left(user.id) == 0:
            raise KnownError(_("{name} adalah administrator aktif terakhir; buat administrator lain dulu.").format(name=user.full_name))
        user.active = active
        if active:
            user.failed_attempts, user.locked_until = 0, None
        user.save()
        audit.record("enable" if active else "disable", "user", user.id, {"username": user.username}, actor)
    return user


def set_role(user_id: int, role: str, *, by: User | None = None) -> User:
    actor = require("users.manage", by)
    if role not in ROLES:
        raise KnownError(_("Peran '{role}' tidak dikenal.").format(role=role))
    with writing():
        user = User.get_by_id(user_id)
        if user.role == "administrator" and role != "administrator" and _admins_left(user.id) == 0:
            raise KnownError(_("{name} adalah administrator aktif terakhir; buat administrator lain dulu.").format(name=user.full_name))
        before, user.role = user.role, role
        user.save()
        audit.record("update", "user", user.id, {"role": [before, role]}, actor)
    return user


def reset_password(user_id: int, password: str, *, by: User | None = None) -> User:
    """Sets a temporary password that the user must change at the next sign-in; unlocks the account."""
    actor = require("users.manage", by)
    with writing():
        user = User.get_by_id(user_id)
        check_password_rules(password, user.username)
        user.password_hash, user.must_change_password = hash_password(password), True
        user.failed_attempts, user.locked_until = 0, None
        user.save()
        audit.record("password_reset", "user", user.id, {"username": user.username}, actor)
    return user


def state_label(user: User) -> str:
    """aktif, nonaktif, or locked until when."""
    if user.locked_until is not None and (left := user.locked_until - lock_clock()) > dt.timedelta(0):
        return _("dikunci sampai {time}").format(time=_until(min(left, dt.timedelta(minutes=LOCK_MINUTES))))
    return _("aktif") if user.active else _("nonaktif")


def describe(user: User) -> str:
    return f"{user.full_name} ({user.username}) · {role_label(user.role)} · {state_label(user)}"


@dataclass(frozen=True)
class Account:
    """An account as the Akun tab shows it."""

    id: int
    username: str
    full_name: str
    role: str
    active: bool
    state: str
    last_sign_in: dt.datetime | None


def list_accounts(*, user: User | None = None) -> list[Account]:
    """Every account by user name (for the administrator)."""
    require("users.manage", user)
    return [Account(u.id, u.username, u.full_name, u.role, bool(u.active), state_label(u), u.last_sign_in)
            for u in User.select().order_by(User.username)]


def account_choices(*, user: User | None = None) -> list[tuple[str, int]]:
    """("Full Name (username)", id) of every account, for the audit trail's filter."""
    require("audit.view", user)
    return [(f"{name} ({username})", uid) for name, username, uid in
            User.select(User.full_name, User.username, User.id).order_by(User.username).tuples()]


def record_lock(user: User, idle_minutes: float, *, by_hand: bool = False) -> None:
    """The session of ``user`` locked (idle, or by hand with Ctrl+L): an audit event."""
    with writing():
        details = {"by_hand": True} if by_hand else {"idle_minutes": idle_minutes}
        audit.record("lock", "user", user.id, details, user)


def record_sign_out(user: User) -> None:
    """``user`` signed out to let the next clerk sign in (Berkas > Ganti pengguna): an audit event."""
    with writing():
        audit.record("sign_out", "user", user.id, {}, user)


def has_accounts() -> bool:
    return User.select().exists()
