"""What each role may do, checked in the domain functions themselves (not only by hiding buttons).

A domain function that changes or reveals data calls ``require(permission, user)``. The user
is the one passed in, else the one signed in (the window, or the command line, which signs in
the same way). With neither, nothing is allowed: access fails closed. The program's own work
runs as a ``SystemActor`` with just the permissions it needs (``SYSTEM_BACKUP``). Roles and their
permissions are editable (Pengaturan); these are the defaults.
"""

from __future__ import annotations

import time

from kupang_desk import settings
from kupang_desk.accounts import session
from kupang_desk.accounts.session import SignedIn, SystemActor
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import db


def permission_labels() -> dict[str, str]:
    return {
        "patient.read": _("Melihat data pasien"),
        "patient.write": _("Mendaftarkan dan mengubah data pasien"),
        "patient.merge": _("Menggabungkan pasien ganda"),
        "visit.write": _("Mencatat kunjungan dan diagnosis"),
        "visit.delete": _("Menghapus kunjungan yang salah catat"),
        "report.make": _("Membuat dan mencetak laporan"),
        "report.send": _("Menandai laporan terkirim ke Dinas"),
        "import.run": _("Mengimpor register lama"),
        "backup.run": _("Membuat cadangan"),
        "backup.restore": _("Memulihkan dari cadangan"),
        "student.read": _("Melihat data siswa dan beasiswa"),
        "student.write": _("Mengubah data siswa, impor Dapodik, kenaikan kelas"),
        "award.write": _("Mengelola program dan penerima beasiswa"),
        "award.print": _("Mencetak daftar penerima, surat dan rekap beasiswa"),
        "settings.edit": _("Mengubah profil dan daftar rujukan"),
        "users.manage": _("Mengelola akun pengguna"),
        "audit.view": _("Melihat dan mengekspor jejak audit"),
    }


PERMISSIONS = tuple(permission_labels())
ROLES = ("administrator", "pendaftaran", "poli", "operator_sekolah", "pimpinan")
DEFAULT_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "administrator": PERMISSIONS,
    # A full backup holds every patient, student and password hash: the administrator's. The
    # program's own daily and closing backups run as SYSTEM_BACKUP whoever is signed in.
    "pendaftaran": ("patient.read", "patient.write", "visit.write", "report.make", "report.send"),
    # Deleting a visit takes it out of every report: the poli that recorded it (and the administrator), not the loket.
    "poli": ("patient.read", "visit.write", "visit.delete"),
    "operator_sekolah": ("student.read", "student.write", "award.write", "award.print"),
    "pimpinan": ("patient.read", "student.read", "report.make", "report.send", "award.print", "audit.view"),
}
# The program's own backups (daily, and when the window closes) whoever is signed in: a clerk who
# may not make a backup by hand still gets the day's work backed up.
SYSTEM_BACKUP = SystemActor("sistem:cadangan", "Kupang Desk (cadangan otomatis)", frozenset({"backup.run"}))
# The SATUSEHAT sender, whoever's window or command started it: it reads the visits and patients it
# sends (patient.read) and keeps the outbox rows and the ids the service gives (visit.write); it
# never edits a patient. A poli clerk's window sends like the administrator's.
SYSTEM_SATUSEHAT = SystemActor("sistem:satusehat", "Kupang Desk (pengirim SATUSEHAT)",
                               frozenset({"patient.read", "visit.write"}))
# The P-Care sender, likewise: it reads the JKN visits it sends and keeps its outbox rows and the
# numbers P-Care gives (visit.write); it never edits a patient or a visit.
SYSTEM_PCARE = SystemActor("sistem:pcare", "Kupang Desk (pengirim P-Care)", frozenset({"patient.read", "visit.write"}))
# The first start of a database without accounts (the first-run window, ``kupang-desk setup``, the
# demo): it makes the first administrator. Used only where no account exists yet.
SYSTEM_SETUP = SystemActor("sistem:penyiapan", "Kupang Desk (penyiapan pertama)",
                           frozenset({"users.manage", "settings.edit"}))
# An administrator can never take these away from themselves: someone must be able to fix things.
ADMIN_KEEPS = ("users.manage", "settings.edit")


def role_label(role: str) -> str:
    return {"administrator": _("Administrator"), "pendaftaran": _("Petugas Pendaftaran"), "poli": _("Petugas Poli"),
            "operator_sekolah": _("Operator Sekolah"), "pimpinan": _("Pimpinan")}.get(role, role)


class PermissionDenied(KnownError):
    """The signed-in user's role does not allow this."""


def role_permissions() -> dict[str, set[str]]:
    stored = settings.get("roles.permissions")
    result = {}
    for role in ROLES:
        granted = stored.get(role, DEFAULT_ROLE_PERMISSIONS[role])
        result[role] = {p for p in granted if p in PERMISSIONS}
    result["administrator"] |= set(ADMIN_KEEPS)
    return result


# How long the roles' permissions read from the database are used again: a window opening asks for
# them some thirty times (a query each). A change saved in this program is seen at once; one saved
# on another PC, within this time.
ROLES_FRESH_SECONDS = 1.0
_read: tuple[float, object, int, dict[str, frozenset[str]]] | None = None  # when, which database, changes, what


def _granted() -> dict[str, frozenset[str]]:
    global _read
    now, database = time.monotonic(), db.obj
    read = _read
    if (read is None or now - read[0] > ROLES_FRESH_SECONDS or read[1] is not database
            or read[2] != settings.changes):
        read = _read = (now, database, settings.changes,
                        {role: frozenset(granted) for role, granted in role_permissions().items()})
    return read[3]


def allowed(user: SignedIn | None, permission: str) -> bool:
    """True when ``user`` may do ``permission``; nobody (None) may do anything."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission}")
    if user is None:
        return False
    if isinstance(user, SystemActor):
        return permission in user.permissions
    return bool(user.active) and permission in _granted().get(user.role, frozenset())


def acting(user: SignedIn | None = None) -> SignedIn | None:
    """The user a domain function acts for: the one given, else the one signed in."""
    return user if user is not None else session.current()


def require(permission: str, user: SignedIn | None = None) -> SignedIn:
    """Returns the acting user, or raises ``PermissionDenied`` with what to do."""
    actor = acting(user)
    if actor is None or not allowed(actor, permission):
        if actor is None:
            raise PermissionDenied(_("Masuk dulu dengan akun yang berhak: {what}.").format(what=permission_labels()[permission].lower()))
        if not actor.active:
            raise PermissionDenied(_("Akun {name} sudah dinonaktifkan.").format(name=actor.full_name))
        raise PermissionDenied(_("Akun {name} ({role}) tidak berhak: {what}. Minta administrator bila memang perlu.").format(
            name=actor.full_name, role=role_label(actor.role), what=permission_labels()[permission].lower()))
    return actor
