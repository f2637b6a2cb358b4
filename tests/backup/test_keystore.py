"""The installation key lives outside the database, readable by its owner only, and an office's
PCs can share one key without losing the events each sealed before."""

from __future__ import annotations

import stat
import sys

import pytest
from platformdirs import user_config_path

from kupang_desk.audit import verify_chain
from kupang_desk.backup import keystore
from tests.helpers.factories import new_patient


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_without_a_keyring_the_key_is_an_owner_only_file(sqlite_database):
    key = keystore.audit_key()
    path = user_config_path("KupangDesk", appauthor=False) / "audit.key"
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 32 and keystore.audit_key() == key
    assert key.hex().encode() not in sqlite_database.path.read_bytes()  # never in the database file


def test_importing_the_office_key_keeps_what_this_pc_sealed_checkable(database, tmp_path):
    new_patient()
    own = keystore.key_id(keystore.audit_key())
    office = tmp_path / "kantor.key"
    office.write_text("ab" * 32 + "\n", encoding="ascii")
    assert keystore.import_key(office) != own
    new_patient(nik="5371045505900002", name="Maria Manafe", sex="P")
    check = verify_chain()
    assert check.ok, check.describe()  # the old events under the old key, the new under the office key
    with pytest.raises(Exception, match="bukan kunci"):
        (tmp_path / "pendek.key").write_text("abcd", encoding="ascii")
        keystore.import_key(tmp_path / "pendek.key")
