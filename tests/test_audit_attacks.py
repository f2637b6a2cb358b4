"""Issue 36: an attacker holding the database (the office PC's file, a copy, a PostgreSQL superuser)
but not the installation key rewrites the audit trail from a process of their own; then
`kupang-desk audit verify` runs on the PC that works with the database and on a second PC of the
office (the office key imported, its own data folder). Neither may say "utuh" (exit 0).

Each attack was answered "utuh" before the counted chain (schema 15): unkeyed events were accepted
anywhere, the head this PC kept was filed under the `database.id` setting and moved forward by the
sign-in of `verify` itself, and a PostgreSQL gap in ids (never reused) looked like a rolled-back save.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from kupang_desk import audit
from kupang_desk.models import AuditEvent
from kupang_desk.models import database as database_module
from tests.helpers import children
from tests.helpers.clock import at, days_ago
from tests.helpers.factories import cli_account, new_patient, new_visit

ROOT = Path(__file__).resolve().parents[1]

# The attacker's process: the program's own models and the unkeyed seal (both public), the guard
# taken off and put back, no key.
ATTACKER = textwrap.dedent("""
    import json, sys, uuid
    from kupang_desk.models import AuditEvent, Setting, db, guards
    from kupang_desk.models.chain import legacy_hash
    from kupang_desk.models.database import make_database, resolve_url
    from tests.helpers.actors import open_the_audit_table
    db.initialize(make_database(resolve_url(sys.argv[1])))
    attack = sys.argv[2]
    with db.atomic():
        open_the_audit_table()
        events = list(AuditEvent.select().order_by(AuditEvent.id))
        if attack == "reseal":  # event #1 rewritten, the whole chain sealed again the old, unkeyed way
            previous = "0" * 64
            for number, event in enumerate(events):
                details = '{"diubah": true}' if number == 0 else event.details
                sealed = legacy_hash(previous, event.at, event.user_id, event.os_user, event.action,
                                     event.table_name, event.record_id, details)
                AuditEvent.update(details=details, prev_hash=previous, hash=sealed, key_id="", seq=None).where(
                    AuditEvent.id == event.id).execute()
                previous = sealed
        elif attack == "forge":  # one event added at the end, linked and counted, sealed without the key
            last = events[-1]
            when = last.at
            details = '{"username": "kepala", "why": "palsu"}'
            AuditEvent.create(at=when, action="sign_in", table_name="user", record_id="", details=details,
                              os_user="", prev_hash=last.hash, key_id="", seq=last.seq + 1,
                              hash=legacy_hash(last.hash, when, None, "", "sign_in", "user", "", details))
        elif attack == "cut":  # the latest three events deleted
            for event in events[-3:]:
                AuditEvent.delete().where(AuditEvent.id == event.id).execute()
        elif attack == "renamed":  # the database's id changed, so that no kept head is filed under it
            Setting.update(value=json.dumps(uuid.uuid4().hex)).where(Setting.key == "database.id").execute()
        elif attack == "empty":
            AuditEvent.delete().execute()
        else:
            raise SystemExit(f"unknown attack {attack}")
        guards.install(db.obj)
""")


def _environment(folder: Path | None = None) -> dict[str, str]:
    """This test's PC (its data and config folders), or another PC of the office in ``folder``."""
    if folder is None:
        return children.environment()
    return children.environment(XDG_DATA_HOME=str(folder / "data"), XDG_CONFIG_HOME=str(folder / "config"))


def _run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *arguments], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=120)


def _verify(url: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["-m", "kupang_desk", "--database", url, "audit", "verify"], environment)


def _second_pc(tmp_path: Path) -> dict[str, str]:
    """Another PC of the office: the office's key imported (the key file), a data folder of its own."""
    folder = tmp_path / f"pc-{uuid.uuid4().hex[:6]}"
    key = Path(os.environ["XDG_CONFIG_HOME"]) / "KupangDesk" / "audit.key"
    (folder / "config" / "KupangDesk").mkdir(parents=True)
    shutil.copyfile(key, folder / "config" / "KupangDesk" / "audit.key")
    return _environment(folder)


@pytest.fixture
def office(db_url, monkeypatch, tmp_path):
    """A trail of a few days' work; the working PC keeps its head (as the window does after a save)
    and a second PC has used the database (checked it once, which also keeps its head there)."""
    database_module.connect(db_url)
    cli_account(monkeypatch)
    for number, name in enumerate(("Yohanes Ndun", "Maria Manafe", "Agustinus Lake"), start=1):
        patient = new_patient(nik=f"537104120387000{number}", name=name)
        new_visit(patient, at(days_ago(number + 1)))
    audit.remember_head()
    database_module.close()
    second = _second_pc(tmp_path)
    first_look = _verify(db_url, second)
    assert first_look.returncode == 5, first_look.stdout + first_look.stderr  # never used here before: it says so
    assert "belum menyimpan tanda kepala" in first_look.stdout
    again = _verify(db_url, second)
    assert again.returncode == 0 and "utuh" in again.stdout, again.stdout + again.stderr
    working = _verify(db_url, _environment())
    assert working.returncode == 0 and "utuh" in working.stdout, working.stdout + working.stderr
    return db_url, second


def _attack(url: str, attack: str) -> None:
    done = _run(["-c", ATTACKER, url, attack], _environment())
    assert done.returncode == 0, done.stderr


def _refused_on_both_pcs(url: str, second: dict[str, str]) -> tuple[str, str]:
    answers = []
    for environment in (_environment(), second):
        checked = _verify(url, environment)
        assert checked.returncode == 4, checked.stdout + checked.stderr
        assert "RUSAK" in checked.stdout and "utuh" not in checked.stdout
        answers.append(checked.stdout)
    return answers[0], answers[1]


def test_a_chain_resealed_without_the_key_is_refused(office):
    url, second = office
    _attack(url, "reseal")
    working, other = _refused_on_both_pcs(url, second)
    assert "titik penyegelan" in other  # no keyed point left: refused even without a kept head


@pytest.mark.parametrize(("attack", "words"), [
    ("forge", "tidak disegel kunci"),  # one event added at the end, linked and counted, without the key
    ("renamed", "database.id"),  # the database's id changed, so that no kept head is filed under it
])
def test_a_forged_event_or_a_changed_database_id_is_refused(office, attack, words):
    url, second = office
    _attack(url, attack)
    for answer in _refused_on_both_pcs(url, second):
        assert words in answer


def test_the_latest_events_cut_off_are_refused_on_both_pcs(office, tmp_path):
    url, second = office
    _attack(url, "cut")
    for answer in _refused_on_both_pcs(url, second):
        assert "dihapus" in answer
    # A PC that never used this database cannot tell a cut end: it says so, never "utuh".
    newcomer = _verify(url, _second_pc(tmp_path))
    assert newcomer.returncode == 5 and "utuh" not in newcomer.stdout, newcomer.stdout


def test_signing_in_after_a_cut_does_not_move_the_head_over_it(office):
    url, second = office
    _attack(url, "cut")
    for _ in range(4):  # four sign-ins at the command line on each PC (each check signs in first)
        for environment in (_environment(), second):
            signed = _verify(url, environment)
            assert signed.returncode == 4, signed.stdout + signed.stderr
    _refused_on_both_pcs(url, second)
    database_module.connect(url)
    try:
        assert AuditEvent.select().where(AuditEvent.action == "sign_in").count() >= 8  # the sign-ins were written
    finally:
        database_module.close()


def test_an_emptied_trail_is_refused(office, tmp_path):
    url, second = office
    _attack(url, "empty")
    _refused_on_both_pcs(url, second)
    newcomer = _verify(url, _second_pc(tmp_path))  # the sign-in of verify is then the only event
    assert newcomer.returncode == 4 and "titik penyegelan" in newcomer.stdout, newcomer.stdout
