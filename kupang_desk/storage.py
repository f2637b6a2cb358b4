"""Where a SQLite file may live: not on a network share, where SQLite's locks do not hold."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

NETWORK_FILESYSTEMS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "fuse.sshfs", "fuse.davfs2", "fuse.glusterfs", "fuse.rclone", "davfs", "lustre",
    "fuse.gvfsd-fuse", "fuse.s3fs", "s3fs", "fuse.kio-fuse", "kio-fuse",  # a desktop's SMB and cloud mounts
}


def _mounts() -> list[tuple[str, str]]:
    """(mount point, filesystem type) from /proc/mounts; empty where there is none."""
    try:
        with open("/proc/mounts", encoding="utf-8") as handle:
            rows = [line.split() for line in handle]
    except OSError:
        return []
    return [(row[1].replace("\\040", " "), row[2]) for row in rows if len(row) >= 3]


def network_share(path: Path) -> str | None:
    """The kind of network share ``path`` is on (``"nfs"``, ``"UNC"``, ...), or None for a local disk."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "UNC"
    if sys.platform == "win32":  # a mapped network drive such as Z:
        import ctypes

        root = os.path.splitdrive(os.path.abspath(text))[0] + "\\"
        if root != "\\" and ctypes.windll.kernel32.GetDriveTypeW(root) == 4:  # DRIVE_REMOTE
            return "network drive"
        return None
    absolute = os.path.realpath(text)
    best, kind = "", None
    for mount, filesystem in _mounts():
        inside = absolute == mount or absolute.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, kind = mount, filesystem
    return kind if kind in NETWORK_FILESYSTEMS else None


def default_database_path() -> Path:
    """The SQLite file in the user's data folder (platformdirs)."""
    return user_data_path("KupangDesk", appauthor=False, ensure_exists=True) / "kupang-desk.sqlite"
