"""What each role may do, checked in the domain functions themselves (not only by hiding buttons).

A domain function that changes or reveals data calls ``require(permission, user)``. The user
is the one passed in, else the one signed in to the window; with neither (the command line on
a local file, or a script) the work is allowed and the audit trail records the operating-system
user. Roles and their permissions are editable (Pengaturan); these are the defaults.
"""

from __future__ import annotations

from kupang_desk import preferences
from kupang_desk.accounts import session
from kupang_desk.errors import KnownError
from kupang_desk.i18n import _
from kupang_desk.models import User


def permission_labels() -> dict[str, str]:
    return {
        "patient.read": _("Melihat data pasien"),
        "patient.write": _("Mendaftarkan dan mengubah data pasien"),
        "patient.merge": _("Menggabungkan pasien ganda"),
        "visit.write": _("Mencatat kunjungan dan diagnosis"),
        "report.make": _("Membuat dan mencetak laporan"),
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
    "pendaftaran": ("patient.read", "patient.write", "visit.write", "report.make", "backup.run"),
    "poli": ("patient.read", "visit.write"),
    "operator_sekolah": ("student.read", "student.write", "award.write", "award.print", "backup.run"),
    "pimpinan": ("patient.read", "student.read", "report.make", "award.print", "audit.view"),
}
# An administrator can never take these away from themselves: someone must be able to fix things.
ADMIN_KEEPS = ("users.manage", "settings.edit")


def role_label(role: str) -> str:
    return {"administrator": _("Administrator"), "pendaftaran": _("Petugas Pendaftaran"), "poli": _("Petugas Poli"),
            "operator_sekolah": _("Operator Sekolah"), "pimpinan": _("Pimpinan")}.get(role, role)


class PermissionDenied(KnownError):
    """The signed-in user's role does not allow this."""


def role_permissions() -> dict[str, set[str]]:
    stored = preferences.get("roles.permissions")
    result = {}
    for role in ROLES:
        granted = stored.get(role, DEFAULT_ROLE_PERMISSIONS[role])
        result[role] = {p for p in granted if p in PERMISSIONS}
    result["administrator"] |= set(ADMIN_KEEPS)
    return result


def allowed(user: User | None, permission: str) -> bool:
    """True when ``user`` (or, for None, the command line) may do ``permission``."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission}")
    if user is None:
        return True
    return bool(user.active) and permission in role_permissions().get(user.role, set())


def acting(user: User | None = None) -> User | None:
    """The user a domain function acts for: the one given, else the one signed in."""
    return user if user is not None else session.current()


def require(permission: str, user: User | None = None) -> User | None:
    """Returns the acting user, or raises ``PermissionDenied`` with what to do."""
    actor = acting(user)
    if not allowed(actor, permission):
        if actor is None:  # not reached while the command line is allowed; fails closed all the same
            raise PermissionDenied(_("Masuk dulu dengan akun yang berhak: {what}.").format(what=permission_labels()[permission].lower()))
        if not actor.active:
            raise PermissionDenied(_("Akun {name} sudah dinonaktifkan.").format(name=actor.full_name))
        raise PermissionDenied(_("Akun {name} ({role}) tidak berhak: {what}. Minta administrator bila memang perlu.").format(
            name=actor.full_name, role=role_label(actor.role), what=permission_labels()[permission].lower()))
    return actor
