"""The main window: a section list on the left, the open section on the right."""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from kupang_desk import audit, office, version
from kupang_desk.accounts import session, users
from kupang_desk.accounts.permissions import allowed
from kupang_desk.beranda import summary
from kupang_desk.connection import DatabaseUrl
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_nip, format_number
from kupang_desk.i18n import _
from kupang_desk.ui import menus
from kupang_desk.ui.backup import BackupDesk
from kupang_desk.ui.help import HelpDialog, guide_html, shortcuts_html
from kupang_desk.ui.operations import Operation, run_in_background, wait_for_workers
from kupang_desk.ui.pcare import PcareDesk
from kupang_desk.ui.satusehat import SatusehatDesk
from kupang_desk.ui.sections import Section, sections, visible
from kupang_desk.ui.signin import ChangePasswordDialog, IdleLock, describe_user
from kupang_desk.ui.widgets import DiscardGuard, ask_discard, fit_to_screen, select_data
from kupang_desk.visits.icd import most_used

if TYPE_CHECKING:
    from kupang_desk.submissions.calendar import Reminders
    from kupang_desk.ui.ckg import CkgDialog
    from kupang_desk.ui.patient_form import PatientFormDialog
    from kupang_desk.ui.patients import MergeDialog, PatientCardDialog, PatientsPage
    from kupang_desk.ui.visit_form import VisitFormDialog

# The window opens on one page (the Beranda, or the section list): every other section's page and
# every dialog is imported the first time it is opened, so their modules (the patient desk, the
# forms, the register, the reports, Pengaturan, the import wizard) are not loaded at start-up.

log = logging.getLogger(__name__)


D = TypeVar("D", bound=QDialog)


def _page_attributes() -> dict[str, str]:
    """The window's names for the section pages (window.patients_page), with their section keys."""
    return {section.attribute: section.key for section in sections()}


def _reminders(_task) -> Reminders:
    """The reporting calendar's reminders, on the worker that counts them (its module, with the SKDR
    and its statistics, loads there rather than at start)."""
    from kupang_desk.submissions import calendar

    return calendar.reminders()


KEEP_HEAD_MS = 5 * 60 * 1000


class MainWindow(QMainWindow):
    """The shell the later features fill: sections, menus, and the open database in the status bar."""

    summary_loaded = Signal(object)

    def __init__(self, target: DatabaseUrl, parent: QWidget | None = None, *, automatic_backups: bool = False) -> None:
        super().__init__(parent)
        self.target = target
        self.institution = summary.institution()
        self.operations: list[Operation] = []
        self.switching_user = False  # Berkas > Ganti pengguna closed it for the next clerk (ui.app)
        self.backups = BackupDesk(self, target, automatic=automatic_backups, keep=self.operations.append)
        # This PC keeps the audit trail's head as it works (at start, every few minutes, at closing), so a
        # trail cut back behind it is seen here (audit.remember_head moves it only over a chain that holds).
        self.keep_head()
        self.head_timer = QTimer(self)
        self.head_timer.setInterval(KEEP_HEAD_MS)
        self.head_timer.timeout.connect(self.keep_head)
        self.head_timer.start()
        self.setWindowTitle(self._title())
        fit_to_screen(self, 1100, 700)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setMinimumWidth(180)
        self.navigation.setMaximumWidth(320)
        self.navigation.setStyleSheet(
            f"QListWidget#navigation {{ font-size: {self.NAVIGATION_FONT_PT}pt; border: none; background: palette(base); }}"
            f"QListWidget#navigation::item {{ padding: 4px {self.NAVIGATION_PADDING}px; }}")
        self.pages = QStackedWidget()
        self.section_pages: dict[str, QWidget] = {}
        self.favourite_codes: list[str] = []
        self.dialogs: list[QWidget] = []  # open dialogs, kept alive while shown
        # The section pages (patients_page, reports_page, ...) are built when first shown or asked for
        # (``__getattr__``): a window of eight sections opens with one built.
        self.satusehat: SatusehatDesk | None = None
        self.pcare: PcareDesk | None = None
        self.facts: list[tuple[str, str]] | None = None  # Pengaturan's facts, shown when its page is built
        self.idle_lock: IdleLock | None = None
        self._built: set[str] = set()  # the sections whose page is built
        self.sections = {section.key: section for section in self.visible_sections()}
        for section in self.sections.values():
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setSizeHint(QSize(160, 36))
            self.navigation.addItem(item)
            placeholder = QWidget()
            self.section_pages[section.key] = placeholder
            self.pages.addWidget(placeholder)
        self.navigation.currentRowChanged.connect(self._on_section_changed)
        self.navigation.setMinimumWidth(self._navigation_width())  # no title cut, in either language

        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.section_actions = menus.build(self)

        self.reminder_label = QLabel()
        self.reminder_label.setObjectName("reportingReminder")
        self.reminder_label.setStyleSheet("color: #b00020;")
        self.reminder_label.setWordWrap(False)
        self.reminder_label.linkActivated.connect(lambda _link: self.show_calendar())
        self.statusBar().addWidget(self.reminder_label, 1)
        if "kunjungan" in self.section_keys():
            self.satusehat = SatusehatDesk(self)
            self.statusBar().addPermanentWidget(self.satusehat.label)
            self.satusehat.start()
            self.pcare = PcareDesk(self)
            self.statusBar().addPermanentWidget(self.pcare.label)
            self.pcare.start()
        self.statusBar().addPermanentWidget(self.backups.label)
        self.user_label = QLabel(describe_user(session.current()))
        self.user_label.setObjectName("userLabel")
        self.statusBar().addPermanentWidget(self.user_label)
        self.database_label = QLabel(self.target.describe())
        self.database_label.setObjectName("databaseLabel")
        self.statusBar().addPermanentWidget(self.database_label)
        self.navigation.setCurrentRow(0)
        self.focus_first()

    def focus_first(self) -> None:
        """Where the keyboard is when the window opens: a patient search box where the user may search
        (the Beranda's or Pasien's), else the section list."""
        key = self.current_section()
        if key == "beranda" and self.beranda.search.isVisibleTo(self.beranda):
            self.beranda.search.setFocus()
        elif key == "pasien":
            self.patients_page.focus_search()
        else:
            self.navigation.setFocus()

    def __getattr__(self, name: str):
        """A section page asked for before it was shown is built then (None when the section is not
        this user's, or is not that page on this installation)."""
        key = _page_attributes().get(name)
        if key is None or "sections" not in self.__dict__:
            raise AttributeError(name)
        self.__dict__[name] = None
        if key in self.sections:
            self.page(key)
        return self.__dict__[name]

    def built_page(self, name: str) -> Any:
        """A section page if it was built, without building it (for a refresh that only matters to a page on screen)."""
        return self.__dict__.get(name)

    def page(self, key: str) -> Any:
        """The page of section ``key``, built the first time."""
        placeholder = self.section_pages[key]
        if key in self._built:
            return placeholder
        self._built.add(key)
        section = self.sections[key]
        self.__dict__.setdefault(section.attribute, None)
        page = self._make_page(section)
        index = self.pages.indexOf(placeholder)
        current = self.pages.currentIndex()
        self.pages.insertWidget(index, page)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()
        if current == index:
            self.pages.setCurrentIndex(index)
        self.section_pages[key] = page
        return page

    def _make_page(self, section: Section) -> QWidget:
        """The section's page from its declaration (kupang_desk/ui/sections.py), connected to the window."""
        page = section.page_class().for_window(self, section)
        self.__dict__[section.attribute] = page
        page.attach(self)
        return page

    def profile_changed(self) -> None:
        self.institution = summary.institution()
        self.setWindowTitle(self._title())
        self.refresh_summary()

    def open_in(self, key: str, target: str | None = None, **details) -> None:
        """Opens section ``key`` and, with ``target``, one part of its page (a tab, a filter, a
        report): where a link elsewhere points to. Nothing when the section is not this user's."""
        if key not in self.sections:
            return
        self.show_section(key)
        if target is not None:
            self.page(key).show_target(target, **details)

    def show_calendar(self) -> None:
        """The Laporan section on its calendar tab (the status bar's reminder)."""
        self.open_in("laporan", "calendar")

    def _on_section_changed(self, row: int) -> None:
        key = self.section_keys()[row]
        fresh = key not in self._built
        page = self.page(key)
        self.pages.setCurrentIndex(row)
        if fresh:  # laid out now, as the pages built with the window were: a click at once lands where it is drawn
            page.setGeometry(self.pages.contentsRect())
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.page(key).section_shown()

    def _keep(self, dialog: D) -> D:
        """Opens ``dialog`` without blocking and keeps it alive until it closes."""
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self.dialogs.remove(dialog) if dialog in self.dialogs else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def register_patient_here(self) -> PatientFormDialog:
        """Pasien > Pasien baru (Ctrl+N): the Pasien section, and the registration form over it."""
        self.show_section("pasien")
        return self.register_patient()

    def register_patient(self) -> PatientFormDialog:
        from kupang_desk.ui.patient_form import PatientFormDialog

        dialog = PatientFormDialog(self)
        dialog.saved.connect(self._patient_saved)
        dialog.open_existing.connect(self.open_patient)
        return self._keep(dialog)

    def _patient_saved(self, patient_id: int) -> None:
        self.statusBar().showMessage(_("Data pasien disimpan."), 8000)
        self.open_patient(patient_id)

    def edit_patient(self, patient_id: int) -> PatientFormDialog:
        from kupang_desk.patients.registration import load_for_edit
        from kupang_desk.ui.patient_form import PatientFormDialog

        dialog = PatientFormDialog(self, patient=load_for_edit(patient_id))
        dialog.saved.connect(self._patient_saved)
        dialog.open_existing.connect(self.open_patient)
        return self._keep(dialog)

    def open_patient(self, patient_id: int) -> PatientCardDialog:
        from kupang_desk.ui.patients import PatientCardDialog

        dialog = PatientCardDialog(patient_id, self)
        dialog.new_visit.connect(self.record_visit)
        dialog.edit.connect(self.edit_patient)
        return self._keep(dialog)

    def _visit_form(self, patient, visit=None) -> VisitFormDialog:
        """The visit form (its module loaded with the first one) with the window's favourite codes,
        its saving followed by the window's refresh."""
        from kupang_desk.ui.visit_form import VisitFormDialog

        dialog = VisitFormDialog(patient, self, favourites=self.favourite_codes, visit=visit)
        dialog.saved.connect(self._visit_saved)
        return dialog

    def record_visit(self, patient_id: int) -> VisitFormDialog:
        from kupang_desk.visits.recording import load_for_visit

        return self._keep(self._visit_form(load_for_visit(patient_id)))

    def correct_visit(self, visit_id: int) -> VisitFormDialog:
        """The visit form filled with a recorded visit; saving asks for the reason of the correction."""
        from kupang_desk.visits.recording import load_for_correction

        patient, visit = load_for_correction(visit_id)
        return self._keep(self._visit_form(patient, visit))

    def serve_from_queue(self, entry_id: int, patient_id: int, poli_id: int, note: str) -> VisitFormDialog:
        """Layani: the visit form for the called patient, with the poli and the loket's complaint;
        saving it closes the queue entry as Selesai."""
        from kupang_desk.visits.recording import load_for_visit

        dialog = self._visit_form(load_for_visit(patient_id))
        select_data(dialog.poli, poli_id)
        if note:
            dialog.complaint.setText(note)
        dialog.remember_clean()  # what the loket filled in is not the poli's unsaved typing
        if self.built_page("queue_page") is not None:
            dialog.saved.connect(lambda visit_id: self.queue_page.poli.finished(entry_id, visit_id))
        return self._keep(dialog)

    def _visit_saved(self, _visit_id: int) -> None:
        self.statusBar().showMessage(_("Kunjungan disimpan."), 8000)
        if self.built_page("register_page") is not None and self.register_page.model.register is not None:
            self.register_page.apply()
        self.visits_changed()

    def visits_changed(self) -> None:
        """A visit was recorded, corrected or deleted: a sent month may now need a revision and this
        week's SKDR may alert, so the status bar and an open calendar are counted again."""
        self.refresh_reminders()
        if self.built_page("reports_page") is not None and self.reports_page.calendar.isVisible():
            self.reports_page.calendar.refresh()
        if self.satusehat is not None:
            self.satusehat.wake()  # the visit's row is in the outbox: sent now rather than at the next poll
        if self.pcare is not None:
            self.pcare.wake()

    def open_ckg(self) -> CkgDialog:
        """Pasien > CKG sekolah: the schools' rosters and the screening form."""
        from kupang_desk.ui.ckg import CkgDialog

        return self._keep(CkgDialog(self))

    def merge_patients(self) -> MergeDialog:
        from kupang_desk.ui.patients import MergeDialog

        dialog = MergeDialog(self)
        dialog.merged.connect(self.open_patient)
        page = self.built_page("patients_page")
        chosen = page.selected() if page is not None else None
        if chosen is not None:  # the patient chosen in the list is kept; its likely duplicates are offered
            dialog.offer(chosen.no_rm)
        return self._keep(dialog)

    def focus_patient_search(self) -> None:
        if "pasien" in self.section_pages:
            self.show_section("pasien")
            self.patients_page.focus_search()

    def new_visit_for_selection(self) -> None:
        if self.patients_page is not None:
            self.show_section("pasien")
            self.patients_page.visit_selected()

    NAVIGATION_FONT_PT, NAVIGATION_PADDING = 11, 14

    def _navigation_width(self) -> int:
        """Wide enough for the longest section title at the sidebar's font, its padding and frame."""
        font = QFont(self.navigation.font())
        font.setPointSizeF(self.NAVIGATION_FONT_PT)
        widest = max((QFontMetrics(font).horizontalAdvance(self.navigation.item(row).text())
                      for row in range(self.navigation.count())), default=0)
        return max(180, widest + 2 * self.NAVIGATION_PADDING + 24)

    def _title(self) -> str:
        name = self.institution.name if self.institution else _("Belum ada profil institusi")
        return f"{name} — Kupang Desk"

    def visible_sections(self) -> list[Section]:
        """The sections of this installation's desk that the signed-in role may open, in their fixed order."""
        return visible(self.institution.kind if self.institution else "puskesmas", session.current())

    def start_idle_lock(self, minutes: float | None = None) -> IdleLock | None:
        """Locks the session after the idle time of Pengaturan (or ``minutes``) without input."""
        user = session.current()
        if user is None:
            return None
        if self.idle_lock is not None:
            self.idle_lock.stop()
        self.idle_lock = IdleLock(user, minutes if minutes is not None else office.idle_minutes(), self,
                                  quit_to=self.close)
        return self.idle_lock

    def lock_session(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.lock(by_hand=True)

    def switch_user(self) -> bool:
        """Berkas > Ganti pengguna: the next clerk signs in without the program closing. A form with
        unsaved input asks first; the day's closing backup waits for the real closing."""
        for dialog in (child for child in self.findChildren(QDialog) if isinstance(child, DiscardGuard)):
            if dialog.isVisible() and dialog.has_unsaved_input() and not ask_discard(dialog):
                return False
        self.switching_user = True
        self.backups.closing_done = True
        if self.idle_lock is not None:  # the next clerk's window gets its own
            self.idle_lock.stop()
            self.idle_lock = None
        user = session.current()
        if user is not None:
            users.record_sign_out(user)
        session.sign_out()
        self.close()
        return True

    def change_password(self) -> ChangePasswordDialog | None:
        user = session.current()
        if user is None:
            return None
        return self._keep(ChangePasswordDialog(user, parent=self))

    def section_keys(self) -> list[str]:
        if "sections" in self.__dict__:
            return list(self.sections)
        return [s.key for s in self.visible_sections()]

    def show_section(self, key: str) -> None:
        self.navigation.setCurrentRow(self.section_keys().index(key))

    def current_section(self) -> str:
        return self.navigation.currentItem().data(Qt.ItemDataRole.UserRole)

    def show_guide(self, key: str) -> HelpDialog:
        """Bantuan > Panduan (F1): the short guide of a section, inside the program."""
        title = next((section.title for section in self.visible_sections() if section.key == key), key)
        dialog = HelpDialog(_("Panduan: {section}").format(section=title), guide_html(key), self)
        self._keep(dialog)
        return dialog

    def show_shortcuts(self) -> HelpDialog:
        dialog = HelpDialog(_("Pintasan keyboard"), shortcuts_html(self), self)
        self._keep(dialog)
        return dialog

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, _("Tentang Kupang Desk"), _(
            "{version}\nUntuk puskesmas dan sekolah di Kota Kupang.\n\nDatabase: {database}"
        ).format(version=version.describe(), database=self.target.describe()), QMessageBox.StandardButton.Ok, self)
        box.open()
        return box

    def import_register(self):
        from kupang_desk.ui.import_wizard import ImportDialog

        dialog = ImportDialog(self)
        dialog.imported.connect(lambda summary: self.visits_changed() if summary.written else None)
        return self._keep(dialog)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Closes once the closing backup (when there is one) is done; the window waits for it."""
        if not self.backups.close_requested():
            event.ignore()
            return
        if self.satusehat is not None:
            self.satusehat.stop()
        if self.pcare is not None:
            self.pcare.stop()
        for key in self._built:
            self.page(key).stop()
        wait_for_workers()  # the window's own, its pages' and its dialogs' (cancelled): none outlives the window
        self.head_timer.stop()
        self.keep_head()  # the day's last head
        super().closeEvent(event)

    def keep_head(self) -> None:
        """The audit trail's head, kept outside the database on this PC."""
        try:
            audit.remember_head()
        except KnownError as error:  # the database went away (a restore, a server down): nothing to keep
            log.warning("Audit head not kept: %s", error)

    def refresh_summary(self) -> Operation:
        """Counts records off the GUI thread and fills the section pages when done."""
        self.statusBar().showMessage(_("Menghitung data..."))
        def work(_task):
            return summary.database_summary(), most_used()

        operation = run_in_background(self, work, title=_("Menghitung data"), on_success=self._show_summary,
                                      show_progress=False)
        self.operations.append(operation)
        operation.finished.connect(lambda: self.operations.remove(operation))
        return operation

    def refresh_reminders(self) -> Operation | None:
        """Reports overdue and this week's SKDR alerts, counted off the GUI thread, in the status bar."""
        if "laporan" not in self.sections or "pasien" not in self.sections or not allowed(session.current(), "report.make"):
            return None
        operation = run_in_background(self, _reminders, title=_("Memeriksa laporan"),
                                      on_success=self._show_reminders, on_failure=lambda error: log.warning(
                                          "Reminders not shown: %s", error), show_progress=False)
        self.operations.append(operation)
        operation.finished.connect(lambda: self.operations.remove(operation))
        return operation

    def _show_reminders(self, reminders: Reminders) -> None:
        if self.built_page("beranda") is not None:
            self.beranda.show_reminders(reminders.overdue_count, reminders.alerts)
        line = reminders.line()
        self.reminder_label.setText(f'<a href="kalender" style="color: #b00020;">{html.escape(line)}</a>' if line else "")
        self.reminder_label.setToolTip(_("Klik untuk membuka Kalender pelaporan") if line else "")
        self.reminders = reminders

    def show_patient_count(self, page: PatientsPage) -> None:
        figures = self.__dict__.get("figures")
        if figures is not None and not page.search.text():
            page.status.setText(_("{count} pasien terdaftar. Ketik untuk mencari; pasien baru: Ctrl+N.").format(
                count=format_number(figures.patients)))

    def _show_summary(self, result: tuple[summary.Summary, list[str]]) -> None:
        figures, self.favourite_codes = result
        if allowed(session.current(), "patient.read"):  # a school operator has no business with patient counts
            self.statusBar().showMessage(_("{patients} pasien, {visits} kunjungan").format(
                patients=format_number(figures.patients), visits=format_number(figures.visits)), 10000)
        self.figures = figures
        if self.built_page("patients_page") is not None:
            self.show_patient_count(self.patients_page)
        institution = self.institution
        facts = [(_("Database"), self.target.describe())]
        if institution is not None:
            facts = [
                (_("Nama"), institution.name),
                (_("Alamat"), institution.address),
                (institution.head_title, institution.head_name),
                (_("NIP"), format_nip(institution.head_nip)),
                *facts,
            ]
        facts += [(_("Poli aktif"), format_number(figures.poli)), (_("Cara bayar"), format_number(figures.payment_types))]
        self.facts = facts
        if self.built_page("settings_page") is not None:
            self.settings_page.show_facts(facts)
        self.summary_loaded.emit(figures)
        self.refresh_reminders()
