"""Makes screenshots of the real application on a demo database (offscreen).

    python scripts/screenshot.py                    # docs/main-window.png
    python scripts/screenshot.py --all              # also the registration form, patient
                                                    # card, visit form and visit register
                                                    # in docs/screenshots/
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def settle(ms: int = 100) -> None:
    """Lets Qt lay out and paint for ``ms`` milliseconds before a grab."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def screen_shots(folder: Path) -> None:
    """The window and the two longest forms as a 1366x768 and a 1024x768 laptop show them
    (less a 40 px taskbar): the school awards page, the registration form, a new visit."""
    from PySide6.QtCore import QSize

    from kupang_desk import demo
    from kupang_desk.accounts import session, users
    from kupang_desk.models import Patient, database
    from kupang_desk.ui import widgets
    from kupang_desk.ui.main_window import MainWindow

    work = Path(tempfile.mkdtemp())
    # The school's desk is its own database (a puskesmas never shows it): the awards from a school demo.
    school = database.connect(f"sqlite:///{work / 'sekolah.sqlite'}")
    demo.generate(0, 0, 120)
    session.sign_in(users.authenticate("admin", demo.DEMO_PASSWORD))
    original = widgets.screen_room
    for width in (1366, 1024):
        widgets.screen_room = lambda width=width: QSize(width, 768 - 40 - widgets.TITLE_BAR)
        window = MainWindow(school)
        window.resize(width, 768 - 40)
        window.show()
        window.show_section("sekolah")
        page = window.school_page
        page.tabs.setCurrentWidget(page.awards)
        settle(150)
        window.grab().save(str(folder / f"screen-{width}-awards.png"))
        window.close()
    session.sign_out()
    database.close()
    target = database.connect(f"sqlite:///{work / 'layar.sqlite'}")
    demo.generate(200, 1000)
    session.sign_in(users.authenticate("admin", demo.DEMO_PASSWORD))
    patient = Patient.select().first().id
    for width in (1366, 1024):
        room = QSize(width, 768 - 40 - widgets.TITLE_BAR)
        widgets.screen_room = lambda room=room: room
        window = MainWindow(target)
        window.resize(width, 768 - 40)
        window.show()
        for name, dialog in (("registration", window.register_patient()), ("visit-form", window.record_visit(patient))):
            settle(150)
            dialog.grab().save(str(folder / f"screen-{width}-{name}.png"))
            dialog.close()
        window.close()
        for name in ("awards", "registration", "visit-form"):
            print(folder / f"screen-{width}-{name}.png")
    widgets.screen_room = original
    session.sign_out()
    database.close()


def print_shots(folder: Path) -> None:
    """Every printed document of a demo month as its PDF's first page (PNG via pdftoppm), and the
    print preview of the LB1 as the clerk sees it."""
    import subprocess

    from kupang_desk import demo
    from kupang_desk.accounts import session, users
    from kupang_desk.documents.table import Period
    from kupang_desk.models import Patient, database
    from kupang_desk.patients.card import write_patient_card
    from kupang_desk.reports import service
    from kupang_desk.scholarships import printouts, programmes
    from kupang_desk.ui.printing import PrintPreview

    work = Path(tempfile.mkdtemp())
    database.connect(f"sqlite:///{work / 'cetak.sqlite'}")
    demo.generate(500, 6000, 120, today=dt.date(2026, 11, 3))
    session.sign_in(users.authenticate("admin", demo.DEMO_PASSWORD))
    october = Period.month("2026-10")
    documents = {}
    for kind in ("lb1", "recap", "top", "register"):
        documents[kind] = service.save(kind, october, service.Options(paper="F4" if kind == "lb1" else "A4"),
                                       pdf=work / f"{kind}.pdf") and work / f"{kind}.pdf"
    pip = programmes.ensure_pip(2026)
    printouts.save_list(pip, pdf=work / "penerima.pdf", paper="F4")
    documents["penerima"] = work / "penerima.pdf"
    printouts.save_letters(pip, None, work / "surat.pdf")
    documents["surat"] = work / "surat.pdf"
    documents["kartu"] = write_patient_card(Patient.select().first().id, work / "kartu.pdf")
    for name, pdf in documents.items():
        subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(folder / f"print-{name}")], check=True)
    preview = PrintPreview(documents["lb1"], title="LB1 Oktober 2026")
    preview.resize(1366, 728)
    preview.show()
    settle(400)
    preview.grab().save(str(folder / "print-preview-lb1.png"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "main-window.png"))
    parser.add_argument("--section", default="pengaturan")
    parser.add_argument("--all", action="store_true", help="the puskesmas desk screens too")
    parser.add_argument("--backup", action="store_true", help="only the backup passphrase screens and the recovery sheet")
    parser.add_argument("--screens", action="store_true", help="only the screens at 1366x768 and 1024x768")
    parser.add_argument("--print", action="store_true", help="only the printed documents and the print preview")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QTimer

    from kupang_desk import demo
    from kupang_desk.i18n import set_language
    from kupang_desk.models import database
    from kupang_desk.ui.app import application
    from kupang_desk.ui.main_window import MainWindow

    set_language("id")
    app = application()
    if args.backup:
        backup_shots(ROOT / "docs" / "screenshots")
        return 0
    if args.screens:
        screen_shots(ROOT / "docs" / "screenshots")
        return 0
    if args.print:
        print_shots(ROOT / "docs" / "screenshots")
        return 0
    folder = Path(tempfile.mkdtemp())
    target = database.connect(f"sqlite:///{folder / 'kupang-desk-demo.sqlite'}")
    demo.generate(2000, 20000)
    from kupang_desk.accounts import session, users

    session.sign_in(users.authenticate("admin", demo.DEMO_PASSWORD))  # the window opens for a signed-in account
    window = MainWindow(target)
    window.resize(1000, 620)
    window.show()
    window.show_section(args.section)
    loop = QEventLoop()
    window.summary_loaded.connect(lambda _figures: QTimer.singleShot(50, loop.quit))
    window.refresh_summary()
    QTimer.singleShot(20000, loop.quit)
    loop.exec()
    app.processEvents()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(args.out):
        print(f"could not write {args.out}", file=sys.stderr)
        return 1
    print(args.out)
    if args.all:
        shots(window, ROOT / "docs" / "screenshots")
    window.close()
    database.close()
    if args.all:
        school_shots(ROOT / "docs" / "screenshots")
        account_shots(ROOT / "docs" / "screenshots")
        import_shots(ROOT / "docs" / "screenshots")
    return 0


def import_shots(folder: Path, size: tuple[int, int] = (1000, 640)) -> None:
    """The import wizard on a register spelt as offices write it (one question per unknown
    value), and Pengaturan's remembered answers after the import."""
    from PySide6.QtCore import QEventLoop, QTimer

    from kupang_desk import demo
    from kupang_desk.models import database
    from kupang_desk.ui.import_wizard import ImportDialog
    from kupang_desk.ui.settings.value_maps import ValueMapsEditor
    from kupang_desk.visits.register_import import import_register
    from tests.imports.test_field_files import FIELD_ROWS
    from tests.visits.test_register_import import register_file

    work = Path(tempfile.mkdtemp())
    database.connect(f"sqlite:///{work / 'impor.sqlite'}")
    demo.generate(50, 100, 0)
    path = register_file(work / "register-2022.xlsx", FIELD_ROWS)
    dialog = ImportDialog()
    dialog.resize(*size)
    dialog.show()
    dialog.path.setText(str(path))
    loop = QEventLoop()
    dialog.checked.connect(lambda _s: loop.quit())
    QTimer.singleShot(20000, loop.quit)
    dialog.check()
    loop.exec()
    settle(150)
    dialog.grab().save(str(folder / "import-wizard.png"))
    dialog.close()
    import_register(path, values={("Cara Bayar", "BPJS Non PBI"): "PBPU", ("Poli", "Poli Jiwa"): "(baru)"})
    editor = ValueMapsEditor()
    editor.resize(800, 300)
    editor.show()
    settle(150)
    editor.grab().save(str(folder / "settings-import-mappings.png"))
    for name in ("import-wizard", "settings-import-mappings"):
        print(folder / f"{name}.png")
    database.close()


def account_shots(folder: Path) -> None:
    """Signing in (a wrong password), the administrator's accounts and audit trail, the idle lock."""

    from kupang_desk import demo
    from kupang_desk.accounts import session, users
    from kupang_desk.models import database
    from kupang_desk.ui.main_window import MainWindow
    from kupang_desk.ui.signin import SignInDialog

    before = session.current()  # the main demo's account, back after these shots
    work = Path(tempfile.mkdtemp())
    target = database.connect(f"sqlite:///{work / 'akun-demo.sqlite'}")
    demo.generate(300, 3000, 50)
    dialog = SignInDialog()
    dialog.username.setText("loket")
    dialog.password.setText("salah")
    dialog.try_sign_in()
    dialog.show()
    settle(150)
    dialog.grab().save(str(folder / "sign-in.png"))
    dialog.close()
    admin = users.authenticate("admin", demo.DEMO_PASSWORD)
    session.sign_in(admin)
    window = MainWindow(target)
    window.resize(1200, 700)
    window.show()
    window.show_section("pengaturan")
    page = window.settings_page
    page.tabs.setCurrentWidget(page.accounts)
    settle(150)
    window.grab().save(str(folder / "settings-accounts.png"))
    page.tabs.setCurrentWidget(page.audit)
    page.audit.apply()
    settle(150)
    window.grab().save(str(folder / "audit-trail.png"))
    lock = window.start_idle_lock(minutes=60)
    dialog = lock.lock()
    settle(150)
    window.grab().save(str(folder / "session-locked.png"))
    dialog.grab().save(str(folder / "session-lock-dialog.png"))
    lock.stop()
    for name in ("sign-in", "settings-accounts", "audit-trail", "session-locked", "session-lock-dialog"):
        print(folder / f"{name}.png")
    window.close()
    session.sign_in(before) if before else session.sign_out()
    database.close()


def backup_shots(folder: Path) -> None:
    """Pengaturan > Cadangan with the passphrase box (1366x768), the first-run window (1024x768) and
    page 1 of the recovery sheet (pdftoppm)."""
    import subprocess

    from kupang_desk import demo
    from kupang_desk.accounts import session, users
    from kupang_desk.backup import encryption
    from kupang_desk.models import Institution, database
    from kupang_desk.ui.main_window import MainWindow
    from kupang_desk.ui.signin import FirstRunDialog

    before = session.current()
    work = Path(tempfile.mkdtemp())
    target = database.connect(f"sqlite:///{work / 'cadangan-demo.sqlite'}")
    demo.generate(50, 200, 0)
    session.sign_in(users.authenticate("admin", demo.DEMO_PASSWORD))
    window = MainWindow(target)
    window.resize(1366, 728)  # 1366x768 less the taskbar
    window.show()
    window.show_section("pengaturan")
    page = window.settings_page
    page.tabs.setCurrentWidget(page.backup)
    settle(150)
    window.grab().save(str(folder / "settings-backup-1366.png"))
    encryption.recovery_sheet(work / "lembar.pdf", encryption.DEMO_PASSPHRASE, Institution.get().name)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(work / "lembar.pdf"),
                    str(folder / "recovery-sheet")], check=False)
    window.close()
    session.sign_out()
    database.close()  # a new PC: installed and started, nothing in it yet, so a restore is offered too
    fresh = database.connect(f"sqlite:///{work / 'pc-baru.sqlite'}")
    dialog = FirstRunDialog(target=fresh)
    dialog.setMaximumSize(1024, 728)
    dialog.show()
    settle(150)
    dialog.grab().save(str(folder / "first-run-1024.png"))
    dialog.close()
    for name in ("settings-backup-1366", "recovery-sheet", "first-run-1024"):
        print(folder / f"{name}.png")
    session.sign_in(before) if before else session.sign_out()
    database.close()


def school_shots(folder: Path) -> None:
    """A school's installation: the students tab, the awards tab with its deadline warning, the
    printed recipient list and an activation letter (first pages as PNG)."""
    import subprocess

    from kupang_desk import clock, demo
    from kupang_desk.models import database
    from kupang_desk.scholarships import printouts, programmes
    from kupang_desk.ui.main_window import MainWindow

    work = Path(tempfile.mkdtemp())
    target = database.connect(f"sqlite:///{work / 'sekolah-demo.sqlite'}")
    demo.generate(0, 0, 400)
    window = MainWindow(target)
    window.resize(1200, 700)
    window.show()
    window.show_section("sekolah")
    settle(150)
    window.grab().save(str(folder / "school-students.png"))
    page = window.school_page
    page.tabs.setCurrentWidget(page.awards)
    settle(150)
    window.grab().save(str(folder / "school-awards.png"))
    programme = programmes.find_programme("PIP", clock.today().year)
    printouts.save_list(programme, pdf=work / "list.pdf", xlsx=work / "list.xlsx", paper="F4")
    printouts.save_letters(programme, None, work / "letters.pdf")
    for name, pdf in (("recipient-list-page1", "list.pdf"), ("activation-letter", "letters.pdf")):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(work / pdf),
                        str(folder / name)], check=False)
    for name in ("school-students", "school-awards", "recipient-list-page1", "activation-letter"):
        print(folder / f"{name}.png")
    window.close()
    database.close()


def shots(window, folder: Path) -> None:
    """The registration form (filled, with a warning), a patient card, a visit form, the register."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kupang_desk.models import Patient

    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(folder / f"{name}.png"))
        print(folder / f"{name}.png")

    window.show_section("pasien")
    window.patients_page.search.setText("yohanis nd")
    window.patients_page.run_search()
    save(window, "patient-search")
    form = window.register_patient()
    form.nik.setText("5371045203870002")
    form.name.setText("Maria Goreti Bere")
    form.sex.setCurrentIndex(form.sex.findData("L"))
    form.birth_place.setText("Kupang")
    form.birth_date.setText("12-03-1987")
    form.mother_name.setText("Yuliana Ndun")
    form.payment.setCurrentIndex(form.payment.findText("BPJS PBI (APBN)"))
    form.kecamatan.setCurrentIndex(form.kecamatan.findText("Oebobo"))
    form.kelurahan.setCurrentIndex(form.kelurahan.findText("Fatululi"))
    form.address.setText("Jl. Frans Seda No. 12")
    form.touched.update(form.form.widgets)
    form.save()
    save(form, "registration-form")
    form.reject()
    patient = Patient.select().order_by(Patient.id).first()
    card = window.open_patient(patient.id)
    save(card, "patient-card")
    card.reject()
    visit = window.record_visit(patient.id)
    visit.poli.setCurrentIndex(visit.poli.findText("Umum"))
    visit.complaint.setText("Batuk pilek 3 hari, demam")
    visit.vitals["systolic"].setText("150")
    visit.vitals["diastolic"].setText("95")
    visit.vitals["weight_kg"].setText("500")
    visit._check_vital("weight_kg")
    visit.picker.edit.setText("ispa")
    visit.picker.add_current()
    visit.picker.edit.setText("hipertensi")
    save(visit, "visit-form")
    visit.reject()
    window.show_section("kunjungan")
    page = window.register_page
    loop = QEventLoop()
    page.loaded.connect(lambda _n: loop.quit())
    QTimer.singleShot(10000, loop.quit)
    if page.model.register is None:
        loop.exec()
    window.resize(1200, 700)
    app.processEvents()
    save(window, "visit-register")
    window.show_section("laporan")
    reports = window.reports_page
    loop = QEventLoop()
    reports.previewed.connect(lambda _r: loop.quit())
    QTimer.singleShot(20000, loop.quit)
    reports.preview()
    loop.exec()
    save(window, "reports")
    import subprocess
    import tempfile

    from kupang_desk.reports import service

    for kind, paper in (("lb1", "F4"), ("recap", "A4"), ("top", "A4")):
        pdf = Path(tempfile.mkdtemp()) / f"{kind}.pdf"
        service.save(kind, reports.period(), service.Options(paper=paper), pdf=pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(folder / f"{kind}-page1")], check=False)
        print(folder / f"{kind}-page1.png")


if __name__ == "__main__":
    raise SystemExit(main())
