"""A SQLite file on a network share is refused, with the way out explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from kupang_desk import storage
from kupang_desk.errors import KnownError
from kupang_desk.models import database as database_module


def test_unc_paths_are_network_shares():
    assert storage.network_share(Path("//server/share/kd.sqlite")) == "UNC"
    assert storage.network_share(Path("\\\\server\\share\\kd.sqlite")) == "UNC"


def test_local_disk_is_fine(tmp_path):
    assert storage.network_share(tmp_path) is None


def test_a_mounted_share_is_refused_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "_mounts", lambda: [("/", "ext4"), (str(tmp_path), "cifs")])
    assert storage.network_share(tmp_path / "sub") == "cifs"
    monkeypatch.setattr(database_module, "network_share", storage.network_share)
    with pytest.raises(KnownError, match="PostgreSQL"):
        database_module.connect(f"sqlite:///{tmp_path}/kd.sqlite")
    assert not (tmp_path / "kd.sqlite").exists()  # refused before anything was written
    database_module.connect(f"sqlite:///{tmp_path}/kd.sqlite", allow_network_share=True)
    database_module.close()


@pytest.mark.parametrize("kind", ["fuse.gvfsd-fuse", "fuse.s3fs", "fuse.kio-fuse"])
def test_desktop_smb_and_cloud_mounts_are_network_shares(tmp_path, monkeypatch, kind):
    """What a clerk gets by opening smb://server/share in the file manager (GNOME, KDE) or a cloud bucket."""
    monkeypatch.setattr(storage, "_mounts", lambda: [("/", "ext4"), (f"{tmp_path}/gvfs", kind)])
    assert storage.network_share(tmp_path / "gvfs" / "smb-share:server=kantor,share=data") == kind
