"""The registration form (and the correction form) for a patient, checked as the clerk types."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kupang_desk import office, regions
from kupang_desk.errors import KnownError
from kupang_desk.formatting import format_date
from kupang_desk.i18n import _
from kupang_desk.patients import registration
from kupang_desk.patients.duplicates import Candidate, likely_duplicates
from kupang_desk.patients.registration import DuplicateNik, PatientForm
from kupang_desk.pcare import connection as pcare
from kupang_desk.ui.operations import Operation, run_in_background, show_error
from kupang_desk.ui.widgets import (
    ERROR_STYLE,
    WARNING_STYLE,
    DiscardGuard,
    FieldForm,
    combo,
    date_text,
    fit_to_screen,
    line,
    parse_date_text,
    select_data,
    shortcut,
)
from kupang_desk.validators import RELIGIONS, nik_birth_and_sex


def candidate_item(candidate: Candidate, data: object) -> QListWidgetItem:
    """A patient who may be the same person, as the lists that offer them read: No. RM, name, birth
    date, mother, NIK and why; ``data`` is what choosing it gives."""
    p = candidate.patient
    item = QListWidgetItem(_("{no_rm}  {name}, lahir {born}, ibu {mother}, NIK {nik}: {reasons}").format(
        no_rm=p.no_rm, name=p.name, born=format_date(p.birth_date), mother=p.mother_name or "-", nik=p.nik or "-",
        reasons="; ".join(candidate.reasons)))
    item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class DuplicatesDialog(QDialog):
    """Shows patients who may be the same person; the clerk opens one or registers anew."""

    def __init__(self, candidates: list[Candidate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Mungkin sudah terdaftar"))
        self.chosen: int | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Pasien berikut mungkin orang yang sama. Pilih bila benar, atau daftarkan sebagai pasien baru.")))
        self.list = QListWidget()
        for candidate in candidates:
            self.list.addItem(candidate_item(candidate, candidate.patient.id))
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.use_selected())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.use_button = buttons.addButton(_("Pakai pasien ini"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.new_button = buttons.addButton(_("Bukan, daftarkan baru"), QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(_("Kembali"), QDialogButtonBox.ButtonRole.RejectRole)
        self.use_button.clicked.connect(self.use_selected)
        self.new_button.clicked.connect(lambda: self.done(2))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def use_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()


_UNANSWERED: set[Operation] = set()  # member checks still running after their form closed


class PatientFormDialog(DiscardGuard, QDialog):
    """Registers a new patient, or corrects one (``patient`` given) with a reason.

    Errors show under their field as soon as the clerk leaves it and block saving;
    warnings show in amber and are accepted with one click on "Simpan juga".
    """

    saved = Signal(int)  # patient id
    open_existing = Signal(int)  # the clerk chose an already registered patient

    def __init__(self, parent: QWidget | None = None, patient: registration.EditedPatient | None = None) -> None:
        super().__init__(parent)
        self.patient = patient
        self.touched: set[str] = set()
        self.warnings_accepted = False
        self.existing_id: int | None = None
        self.setWindowTitle(_("Ubah data pasien {no_rm}").format(no_rm=patient.no_rm) if patient else _("Pendaftaran pasien baru"))
        fit_to_screen(self, 640, 760)
        self.form = FieldForm()
        f = self.form
        self.nik = f.add("nik", _("NIK"), line(placeholder=_("16 digit dari KTP/KK"), max_length=22))
        self.open_existing_button = QPushButton(_("Buka pasien itu"))
        self.open_existing_button.hide()
        self.open_existing_button.clicked.connect(self._open_existing)
        self.no_nik_reason = f.add("no_nik_reason", _("Alasan tanpa NIK"), line(placeholder=_("isi hanya bila pasien tidak punya NIK")))
        self.name = f.add("name", _("Nama lengkap"), line(max_length=100))
        self.sex = f.add("sex", _("Jenis kelamin"), combo([(_("L (laki-laki)"), "L"), (_("P (perempuan)"), "P")], empty=_("— pilih —")))
        self.birth_place = f.add("birth_place", _("Tempat lahir"), line(max_length=60))
        self.birth_date = f.add("birth_date", _("Tanggal lahir"), line(placeholder=_("hh-bb-tttt, misalnya 05-12-1987")))
        self.mother_name = f.add("mother_name", _("Nama ibu kandung"), line(max_length=100))
        self.mother_nik = f.add("mother_nik", _("NIK ibu"), line(
            placeholder=_("bayi tanpa NIK: NIK ibunya, untuk SATUSEHAT"), max_length=22))
        self.kk_number = f.add("kk_number", _("No. KK"), line(max_length=22))
        self.payment = f.add("payment_type_id", _("Cara bayar"), combo(
            office.payment_choices(),
            empty=_("— pilih —")))
        self.member_button = QPushButton(_("Cek BPJS"))
        self.member_button.setObjectName("checkMember")
        self.member_button.setAutoDefault(False)  # Enter still saves the form; this button is clicked
        self.member_button.setToolTip(_("Status kepesertaan JKN dari P-Care (No. BPJS, atau NIK bila kosong): aktif atau "
                                        "tidak, PBI atau bukan, FKTP tempat terdaftar. Tanpa internet pendaftaran tetap jalan."))
        self.member_button.clicked.connect(lambda: self.check_member())
        self.bpjs_number = f.add("bpjs_number", _("No. BPJS"), line(placeholder=_("13 digit, nol di depan ikut diketik"), max_length=20),
                                 extra=self.member_button)
        self.member_status = QLabel()
        self.member_status.setObjectName("memberStatus")
        self.member_status.setWordWrap(True)
        self.member_status.hide()
        f.layout_.addRow("", self.member_status)
        self.member_check: Operation | None = None
        self.phone = f.add("phone", _("Telepon/HP"), line(max_length=20))
        self.regency = combo([(name, code) for code, name in regions.regencies()])
        self.kecamatan = combo([])
        self.kelurahan = combo([])
        f.add("regency", _("Kabupaten/kota"), self.regency)
        f.add("kecamatan", _("Kecamatan"), self.kecamatan)
        f.add("kelurahan_code", _("Kelurahan/desa"), self.kelurahan)
        self.address = f.add("address", _("Alamat (jalan, no.)"), line(max_length=200))
        rt_rw = QWidget()
        row = QHBoxLayout(rt_rw)
        row.setContentsMargins(0, 0, 0, 0)
        self.rt, self.rw = line(max_length=3), line(max_length=3)
        row.addWidget(QLabel(_("RT")))
        row.addWidget(self.rt)
        row.addWidget(QLabel(_("RW")))
        row.addWidget(self.rw)
        f.add("rt", _("RT/RW"), rt_rw)
        # The two small fields share one row and one message line.
        f.widgets["rt"], f.widgets["rw"] = self.rt, self.rw
        f.messages["rw"] = f.messages["rt"]
        self.rt.setObjectName("rt")
        self.rw.setObjectName("rw")
        self.religion = f.add("religion", _("Agama"), combo([(r, r) for r in RELIGIONS], empty=""))
        self.occupation = f.add("occupation", _("Pekerjaan"), line(max_length=60))
        self.education = f.add("education", _("Pendidikan"), combo([(e, e) for e in registration.EDUCATIONS], empty=""))
        self.marital_status = f.add("marital_status", _("Status perkawinan"), combo([(m, m) for m in registration.MARITAL_STATUSES], empty=""))
        aid = QWidget()
        row = QHBoxLayout(aid)
        row.setContentsMargins(0, 0, 0, 0)
        self.dtsen_decile = combo([(str(n), str(n)) for n in range(1, 11)], empty="")
        self.dtsen_decile.setObjectName("dtsen_decile")
        self.dtsen_decile.setToolTip(_("Desil kesejahteraan rumah tangga di DTSEN: 1 paling miskin, 10 paling sejahtera"))
        self.dtsen_date = line(placeholder=_("tanggal data, hh-bb-tttt"))
        self.dtsen_date.setObjectName("dtsen_date")
        row.addWidget(self.dtsen_decile)
        row.addWidget(self.dtsen_date, 1)
        f.add("dtsen_decile", _("Desil DTSEN"), aid)
        f.widgets["dtsen_decile"], f.widgets["dtsen_date"] = self.dtsen_decile, self.dtsen_date
        f.messages["dtsen_date"] = f.messages["dtsen_decile"]
        cards = QWidget()
        row = QHBoxLayout(cards)
        row.setContentsMargins(0, 0, 0, 0)
        self.pkh, self.kks, self.kip = QCheckBox(_("PKH")), QCheckBox(_("KKS")), QCheckBox(_("KIP"))
        self.prolanis = QCheckBox(_("Prolanis (BPJS)"))
        self.prolanis.setToolTip(_("Peserta Program Pengelolaan Penyakit Kronis BPJS: dihitung pada rasio Prolanis "
                                   "terkendali di Beranda"))
        for name, box in (("pkh", self.pkh), ("kks", self.kks), ("kip", self.kip), ("prolanis", self.prolanis)):
            box.setObjectName(name)
            row.addWidget(box)
        row.addStretch(1)
        f.add("cards", _("Kartu dan program"), cards)
        self.reason = line(placeholder=_("misalnya: salah ketik tanggal lahir, sesuai KTP"))
        if patient is not None:
            f.add("reason", _("Alasan perubahan"), self.reason)
        f.layout_.insertRow(1, "", self.open_existing_button)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(f)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("warnings")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("Simpan (Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_warnings_button = self.buttons.addButton(_("Simpan juga"), QDialogButtonBox.ButtonRole.ActionRole)
        self.accept_warnings_button.setToolTip(_("Peringatan sudah diperiksa: simpan apa adanya"))
        self.accept_warnings_button.hide()
        cancel = self.buttons.addButton(_("Batal (Esc)"), QDialogButtonBox.ButtonRole.RejectRole)
        # Enter anywhere in the form saves; only the save button reacts to it.
        for button in (self.accept_warnings_button, cancel, self.open_existing_button):
            button.setAutoDefault(False)
        self.save_button.setAutoDefault(True)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.accept_warnings_button.clicked.connect(self.save_accepting_warnings)
        cancel.clicked.connect(self.reject)
        shortcut("Ctrl+S", self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.buttons)

        self.regency.currentIndexChanged.connect(self._fill_kecamatan)
        self.kecamatan.currentIndexChanged.connect(self._fill_kelurahan)
        self._fill_kecamatan()
        for name, widget in f.widgets.items():
            signal = getattr(widget, "editingFinished", None) or getattr(widget, "activated", None)
            if signal is not None:
                signal.connect(lambda *_args, name=name: self._left(name))
        self.payment.currentIndexChanged.connect(lambda *_args: self._left("payment_type_id"))
        if patient is not None:
            self._load(patient)
        self.nik.setFocus()
        self.remember_clean()  # Esc on an untouched form closes it; on a touched one it asks first

    # --- filling ---------------------------------------------------------------------

    def _fill_kecamatan(self) -> None:
        self.kecamatan.blockSignals(True)
        self.kecamatan.clear()
        for code, name in regions.children(self.regency.currentData() or regions.KOTA_KUPANG):
            self.kecamatan.addItem(name, code)
        self.kecamatan.blockSignals(False)
        self._fill_kelurahan()

    def _fill_kelurahan(self) -> None:
        self.kelurahan.clear()
        self.kelurahan.addItem(_("— pilih —"), None)
        for code, name in regions.children(self.kecamatan.currentData() or ""):
            self.kelurahan.addItem(name, code)

    def _load(self, patient: registration.EditedPatient) -> None:
        form = patient.form
        self.nik.setText(form.nik)
        self.no_nik_reason.setText(form.no_nik_reason)
        self.name.setText(form.name)
        select_data(self.sex, form.sex)
        self.birth_place.setText(form.birth_place)
        self.birth_date.setText(date_text(form.birth_date))
        self.mother_name.setText(form.mother_name)
        self.mother_nik.setText(form.mother_nik)
        self.kk_number.setText(form.kk_number)
        select_data(self.payment, form.payment_type_id)
        self.bpjs_number.setText(form.bpjs_number)
        self.phone.setText(form.phone)
        if form.kelurahan_code:
            regency, kecamatan = regions.parents_of(form.kelurahan_code)
            select_data(self.regency, regency)
            select_data(self.kecamatan, kecamatan)
            select_data(self.kelurahan, form.kelurahan_code)
        self.address.setText(form.address)
        self.rt.setText(form.rt)
        self.rw.setText(form.rw)
        select_data(self.religion, form.religion)
        self.occupation.setText(form.occupation)
        select_data(self.education, form.education)
        select_data(self.marital_status, form.marital_status)
        select_data(self.dtsen_decile, form.dtsen_decile or None)
        self.dtsen_date.setText(date_text(form.dtsen_date))
        for box, held in ((self.pkh, form.pkh), (self.kks, form.kks), (self.kip, form.kip), (self.prolanis, form.prolanis)):
            box.setChecked(held)

    def current_form(self) -> PatientForm:
        return PatientForm(
            nik=self.nik.text(), name=self.name.text(), sex=self.sex.currentData() or "",
            birth_place=self.birth_place.text(), birth_date=parse_date_text(self.birth_date.text()),
            mother_name=self.mother_name.text(), mother_nik=self.mother_nik.text(), religion=self.religion.currentData() or "",
            occupation=self.occupation.text(), education=self.education.currentData() or "",
            marital_status=self.marital_status.currentData() or "", kk_number=self.kk_number.text(),
            payment_type_id=self.payment.currentData(), bpjs_number=self.bpjs_number.text(), phone=self.phone.text(),
            address=self.address.text(), rt=self.rt.text(), rw=self.rw.text(),
            kelurahan_code=self.kelurahan.currentData(), no_nik_reason=self.no_nik_reason.text(),
            dtsen_decile=self.dtsen_decile.currentData() or "", dtsen_date=parse_date_text(self.dtsen_date.text()),
            pkh=self.pkh.isChecked(), kks=self.kks.isChecked(), kip=self.kip.isChecked(), prolanis=self.prolanis.isChecked(),
        )

    # --- checking --------------------------------------------------------------------

    def _left(self, name: str) -> None:
        self.touched.add(name)
        self.warnings_accepted = False
        if name == "nik":
            self._fill_from_nik()
        self.refresh_messages()

    def _fill_from_nik(self) -> None:
        """A NIK carries the birth date and sex: filled ahead of the clerk where still empty."""
        carried = nik_birth_and_sex(self.nik.text())
        if carried is None:
            return
        born, sex = carried
        if not self.birth_date.text().strip():
            self.birth_date.setText(date_text(born))
        if self.sex.currentData() in (None, ""):
            select_data(self.sex, sex)

    def check_member(self) -> Operation | None:
        """Asks P-Care for the member's status off the GUI thread; the form stays usable, and works
        without the network (the answer then says so)."""
        number = "".join(ch for ch in (self.bpjs_number.text() or self.nik.text()) if ch.isdigit())
        if not number:
            self._show_member(_("Ketik No. BPJS (atau NIK) dulu, lalu Cek BPJS."), error=True)
            return None
        self._show_member(_("Menanyakan P-Care..."))
        self.member_button.setEnabled(False)
        self.member_check = run_in_background(
            self, lambda _task: pcare.client().member(number), title=_("Cek kepesertaan BPJS"), show_progress=False,
            on_success=self._member_answered, on_failure=self._member_unknown)
        return self.member_check

    def done(self, result: int) -> None:  # noqa: D102 - QDialog's
        check = self.member_check
        if check is not None and check.running:  # the dialog goes; the question to P-Care finishes on its own
            check.on_success, check.on_failure = None, lambda _error: None
            check.setParent(None)
            _UNANSWERED.add(check)
            check.finished.connect(lambda: _UNANSWERED.discard(check))
        super().done(result)

    def _show_member(self, text: str, *, error: bool = False) -> None:
        self.member_status.setText(text)
        self.member_status.setStyleSheet(ERROR_STYLE if error else "color: #1b5e20;")
        self.member_status.setVisible(bool(text))

    def _member_answered(self, member) -> None:
        self.member_button.setEnabled(True)
        if member is None:
            self._show_member(_("P-Care tidak mengenal nomor ini. Periksa No. BPJS atau NIK-nya."), error=True)
            return
        if not self.bpjs_number.text().strip():  # asked by NIK: the card number goes where it belongs
            self.bpjs_number.setText(member.card_number)
        ours = pcare.provider_code()
        elsewhere = bool(ours) and member.provider_code != ours
        text = _("{name}: {status} · {kind} · FKTP {provider} ({code})").format(
            name=member.name, status=member.status, kind=member.kind, provider=member.provider_name, code=member.provider_code)
        if member.prolanis:
            text += " · " + _("peserta Prolanis")
        if elsewhere:
            text += ". " + _("Terdaftar di FKTP lain: dilayani sebagai kunjungan antar-FKTP, atau sebagai pasien umum.")
        if not member.active:
            text += ". " + _("Tidak aktif: dilayani sebagai pasien umum sampai kepesertaannya aktif lagi.")
        self._show_member(text, error=not member.active or elsewhere)

    def _member_unknown(self, error: BaseException) -> None:
        self.member_button.setEnabled(True)
        self._show_member(_("Status BPJS tidak dapat dicek: {why} Pendaftaran tetap bisa disimpan.").format(
            why=str(error) if isinstance(error, KnownError) else _("kesalahan program (lihat log).")), error=True)

    def refresh_messages(self, *, everything: bool = False) -> registration.Review:
        """Shows errors and warnings of the fields already visited (or of all)."""
        result = registration.review(self.current_form())
        if self.birth_date.text().strip() and parse_date_text(self.birth_date.text()) is None:
            result.errors["birth_date"] = _("Tanggal lahir tidak terbaca; ketik hari-bulan-tahun, misalnya 05-12-1987.")
        if self.dtsen_date.text().strip() and parse_date_text(self.dtsen_date.text()) is None:
            result.errors["dtsen_date"] = _("Tanggal data DTSEN tidak terbaca; ketik hari-bulan-tahun, misalnya 01-10-2026.")
        self._check_existing_nik(result)
        self.form.clear_messages()
        for name in self.form.messages:
            if not (everything or name in self.touched):
                continue
            if name in result.errors:
                self.form.show_message(name, result.errors[name])
            elif name in result.warnings:
                self.form.show_message(name, " ".join(result.warnings[name]), warning=True)
        warnings = result.warning_list()
        shown = bool(warnings) and (everything or any(n in self.touched for n in result.warnings))
        self.warning_label.setText(_("Peringatan: ") + " ".join(warnings) if shown else "")
        self.warning_label.setVisible(shown)
        return result

    def _check_existing_nik(self, result: registration.Review) -> None:
        nik = result.values.get("nik")
        existing = registration.find_by_nik(nik, exclude_id=self.patient.id if self.patient else None) if nik else None
        self.existing_id = existing.id if existing else None
        self.open_existing_button.setVisible(existing is not None)
        if existing is not None:
            result.errors["nik"] = _("NIK ini sudah terdaftar atas nama {name} (No. RM {no_rm}). Buka data pasien itu.").format(
                name=existing.name, no_rm=existing.no_rm)

    def _open_existing(self) -> None:
        if self.existing_id is not None:
            self.open_existing.emit(self.existing_id)
            self.discard()

    # --- saving ----------------------------------------------------------------------

    def save_accepting_warnings(self) -> None:
        self.warnings_accepted = True
        self.save()

    def save(self) -> None:
        result = self.refresh_messages(everything=True)
        if result.errors:
            first = next(name for name in self.form.widgets if name in result.errors)
            self.form.widgets[first].setFocus()
            self.accept_warnings_button.hide()
            return
        if result.warnings and not self.warnings_accepted:
            self.accept_warnings_button.show()
            self.accept_warnings_button.setFocus()
            return
        form = self.current_form()
        if self.patient is None:
            candidates = likely_duplicates(form.name, form.birth_date, mother_name=form.mother_name,
                                           kelurahan_code=form.kelurahan_code)
            if candidates:
                dialog = DuplicatesDialog(candidates, self)
                outcome = dialog.exec()
                if outcome == QDialog.DialogCode.Accepted and dialog.chosen is not None:
                    self.open_existing.emit(dialog.chosen)
                    self.discard()
                    return
                if outcome != 2:
                    return
        try:
            if self.patient is None:
                patient = registration.register(form, accept_warnings=True)
            else:
                patient = registration.update(self.patient.id, form, reason=self.reason.text(), accept_warnings=True)
        except DuplicateNik as error:
            self.existing_id = error.existing.id
            self.form.show_message("nik", str(error))
            self.open_existing_button.show()
            return
        except KnownError as error:
            if self.patient is not None and not self.reason.text().strip():
                self.form.show_message("reason", str(error))
                self.reason.setFocus()
                return
            show_error(self, error)
            return
        self.saved.emit(patient.id)
        self.accept()
