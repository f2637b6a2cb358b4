"""Shared fixtures: the offscreen Qt platform and a fresh database per test on both engines."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KUPANG_DESK_LANG", "id")

# Tests never see the developer's real folders: the data folder, the log, the config
# (QSettings) and the cache of the whole run, child processes included, live in a
# temporary folder; each test then gets a data and config folder of its own (below).
os.environ["KUPANG_DESK_TEST_FOLDERS"] = tempfile.mkdtemp(prefix="kupang-desk-tests-")
os.environ.update({name: os.path.join(os.environ["KUPANG_DESK_TEST_FOLDERS"], name.lower())
                   for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")})
# Nor the developer's keyring: the installation key goes to each test's own config folder.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
# The office's backup passphrase, as an administrator would give it on the command line.
os.environ["KUPANG_DESK_BACKUP_PASSPHRASE"] = "uji-cadangan-123"
# Child processes run on the test's clock too (tests/helpers/clock.py).
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent / "helpers" / "clock_site"),
                                                         os.environ.get("PYTHONPATH")]))

import pytest

from kupang_desk import clock
from kupang_desk.accounts import session
from kupang_desk.i18n import set_language
from kupang_desk.models import database as database_module
from tests.helpers import databases
from tests.helpers.actors import TEST_ACTOR
from tests.helpers.clock import NOW, OFFSET_VARIABLE

# Every data test on both engines; KUPANG_DESK_TEST_ENGINES=sqlite narrows a run to one (the suite on
# its other days, scripts/test-on-other-days.sh, where the engine does not change what is tested).
ENGINES = tuple((os.environ.get("KUPANG_DESK_TEST_ENGINES") or "sqlite,postgresql").split(","))
assert set(ENGINES) <= {"sqlite", "postgresql"} and ENGINES, ENGINES


def pytest_configure(config: pytest.Config) -> None:
    set_language("id")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores. A test waiting on PostgreSQL, a child process or
    a timer leaves its core to the extra one (the default suite took 2 min 29 s with three workers
    against 2 min 59 s with two on the 2-core CI machine; four were slower again)."""
    return (os.cpu_count() or 1) + 1


@pytest.fixture(scope="session")
def qapp_cls():
    """The tests' application collects cycles on its GUI thread only, as the program's does."""
    from PySide6.QtWidgets import QApplication

    from kupang_desk.ui.operations import collect_on_gui_thread

    class TestApplication(QApplication):
        def __init__(self, *args) -> None:
            super().__init__(*args)
            collect_on_gui_thread(self)

    return TestApplication


@pytest.fixture(autouse=True)
def collect_between_tests():
    """A test that never runs Qt's event loop still has its cycles collected, on this (GUI) thread."""
    yield
    operations = sys.modules.get("kupang_desk.ui.operations")  # Qt only once a test used it
    app = operations.QApplication.instance() if operations is not None else None
    collector = app.findChild(operations.GuiThreadCollector) if app is not None else None
    if collector is not None:
        collector.check()


@pytest.fixture(autouse=True)
def own_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data and config folder of each test's own (platformdirs reads them at every call;
    Qt's QSettings is pointed there too), so no test sees what another one saved."""
    folder = tmp_path_factory.mktemp("user")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(folder / name.lower()))
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QSettings

        for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(kind, QSettings.Scope.UserScope, str(folder / "xdg_config_home"))
    return folder


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch):
    """Every test starts at ``NOW`` (tests/helpers/clock.py) and its clock runs on from there, in
    this process and in every child it starts."""
    offset = clock.set_offset_to(NOW)
    monkeypatch.setenv(OFFSET_VARIABLE, repr(offset))
    yield NOW
    clock.set_offset(0)


@pytest.fixture(autouse=True)
def acting_for_the_test():
    with session.acting_as(TEST_ACTOR):
        yield TEST_ACTOR


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory):
    return databases.sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_server():
    """A database on the PostgreSQL test server; skipped, with the reason, when none answers."""
    try:
        server = databases.PostgresServer()
    except Exception as error:  # any connection failure means: no server here
        if os.environ.get("KUPANG_DESK_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here but not reachable at {databases.POSTGRES_ADMIN_URL}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_ADMIN_URL}: {str(error).strip()}")
    database_module.connect(server.url)
    database_module.close()
    yield server
    database_module.close()
    server.drop()


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    return databases.fresh_sqlite(sqlite_template, tmp_path)


def _fresh_url(request, tmp_path, *, own_database: bool) -> str:
    if request.param == "sqlite":
        return databases.fresh_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    server = request.getfixturevalue("postgres_server")
    database_module.connect(server.url, migrate=False, seed=False)
    databases.reset_postgres()
    database_module.close()
    return server.copy() if own_database else server.url


@pytest.fixture(params=ENGINES)
def db_url(request, tmp_path) -> str:
    """The URL of a fresh, migrated database with reference data, on each engine in turn."""
    return _fresh_url(request, tmp_path, own_database=False)


@pytest.fixture(params=ENGINES)
def schema_db_url(request, tmp_path) -> str:
    """Like ``db_url``, but a database of its own on PostgreSQL too: for tests that change the schema."""
    return _fresh_url(request, tmp_path, own_database=True)


@pytest.fixture
def database(db_url):
    """The proxy bound to a fresh database on each engine; yields its ``DatabaseUrl``."""
    target = database_module.connect(db_url)
    yield target
    database_module.close()


@pytest.fixture
def sqlite_database(sqlite_url):
    target = database_module.connect(sqlite_url)
    yield target
    database_module.close()


@pytest.fixture
def pcare_service():
    """The stand-in P-Care (tests/helpers/pcare_server.py) with its three members, on a port of its own."""
    from tests.helpers import pcare_server

    server = pcare_server.PcareStandIn().start()
    server.add(pcare_server.YOHANES, pcare_server.MARIA, pcare_server.LAPSED)
    yield server
    server.stop()
