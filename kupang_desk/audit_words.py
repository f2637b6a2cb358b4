"""The audit trail in words: "Pasien 000123: nomor HP diubah dari 0812... ke 0813...".

The trail stores each event's details as JSON (what the seal covers); the viewer and the
export show a sentence made from them, naming the record the way a clerk knows it (No. RM,
user name, report) and each field by its label. Keys this module does not know are shown as
"label: value" pairs, never as raw JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.formatting import format_date, format_datetime
from kupang_desk.i18n import _
from kupang_desk.models import AuditEvent, Patient, Visit


def _table_labels() -> dict[str, str]:
    """Every table the trail records events of, as the viewer and its Tabel filter name it."""
    return {
        "patient": _("Pasien"), "visit": _("Kunjungan"), "queue_entry": _("Antrean"), "student": _("Siswa"),
        "award": _("Penerima beasiswa"), "award_letter": _("Surat aktivasi"), "ckg_roster": _("Daftar siswa CKG"), "ckg_student": _("Skrining CKG siswa"),
        "ckg_results": _("Hasil CKG"), "pcare_referral": _("Rujukan P-Care"), "pregnancy": _("Kehamilan"), "ckg_letter": _("Surat orang tua CKG"), "scholarship_programme": _("Program beasiswa"),
        "user": _("Pengguna"), "setting": _("Pengaturan"), "institution": _("Profil institusi"), "report": _("Laporan"),
        "sent_report": _("Laporan terkirim"), "city_file": _("File puskesmas"), "signing_key": _("Kunci tanda tangan"),
        "database": _("Database"), "audit_event": _("Jejak audit"), "rejects": _("Baris ditolak"),
        "work_area": _("Wilayah kerja"), "poli": _("Poli"), "payment_type": _("Cara bayar"), "population": _("Penduduk"),
    }


def tables() -> list[tuple[str, str]]:
    """(label, table) of every table, for the Tabel filter."""
    return [(label, table) for table, label in _table_labels().items()]


def table_label(table: str) -> str:
    return _table_labels().get(table, table)


def field_label(name: str) -> str:
    return {
        "nik": _("NIK"), "name": _("nama"), "sex": _("jenis kelamin"), "birth_place": _("tempat lahir"),
        "birth_date": _("tanggal lahir"), "mother_name": _("nama ibu kandung"), "mother_nik": _("NIK ibu"), "religion": _("agama"),
        "occupation": _("pekerjaan"), "education": _("pendidikan"), "marital_status": _("status kawin"),
        "kk_number": _("nomor KK"), "payment_type_id": _("cara bayar"), "payment_type": _("cara bayar"),
        "bpjs_number": _("nomor BPJS"), "phone": _("nomor HP"), "address": _("alamat"), "rt": _("RT"), "rw": _("RW"),
        "kelurahan_code": _("kelurahan"), "kelurahan": _("kelurahan"), "no_nik_reason": _("alasan tanpa NIK"),
        "visit_at": _("waktu kunjungan"), "poli": _("poli"), "complaint": _("keluhan"), "anamnesis": _("anamnesis"),
        "therapy": _("terapi"), "systolic": _("sistolik"), "diastolic": _("diastolik"), "weight_kg": _("berat badan"),
        "height_cm": _("tinggi badan"), "temperature_c": _("suhu"), "respiration_rate": _("napas"),
        "heart_rate": _("nadi"), "referral_kind": _("rujukan"), "referral_poli": _("poli rujukan"),
        "referral_facility": _("faskes rujukan"), "referral_specialty": _("spesialis rujukan"),
        "health_worker": _("tenaga kesehatan"), "diagnoses": _("diagnosis"), "role": _("peran"),
        "username": _("nama pengguna"), "file": _("berkas"), "xlsx": _("berkas Excel"), "pdf": _("berkas PDF"),
        "rows": _("baris"), "period": _("periode"), "document": _("dokumen"), "programme": _("program"),
        "year": _("tahun"), "stage": _("tahap"), "bytes": _("ukuran (bita)"), "made_at": _("dibuat"),
        "school_year": _("tahun ajaran"), "moved": _("dipindah"), "new": _("baru"), "update": _("diperbarui"),
        "added": _("ditambahkan"), "letters": _("surat"), "before": _("sebelum"), "after": _("sesudah"),
        "admin": _("administrator"), "backup_folder": _("folder cadangan"), "why": _("sebab"), "locked": _("terkunci"),
        "status": _("status"), "amount": _("jumlah"), "paid_on": _("tanggal cair"), "reason": _("alasan"),
        "state": _("keadaan"), "label": _("nomor"), "kind": _("laporan"), "revision": _("revisi"), "method": _("cara kirim"),
        "files": _("berkas"), "note": _("catatan"), "institution": _("puskesmas"), "sha256": _("sidik SHA-256"),
    }.get(name, name.replace("_", " "))


def _value(value) -> str:
    if value in (None, ""):
        return _("(kosong)")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value) or _("(kosong)")
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_value(v)}" for k, v in value.items())
    text = str(value)
    try:
        if len(text) == 10:
            return format_date(dt.date.fromisoformat(text))
        if len(text) >= 16 and text[10] in " T":
            return format_datetime(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    return text


def _change(name: str, before, after) -> str:
    return _("{field} diubah dari {before} ke {after}").format(field=field_label(name), before=_value(before),
                                                               after=_value(after))


SIGN_IN_FAILURES = {"unknown": lambda: _("nama pengguna tidak dikenal"), "disabled": lambda: _("akun nonaktif"),
                    "locked": lambda: _("akun terkunci"), "password": lambda: _("kata sandi salah")}


class Names:
    """No. RM of the patients a page of events mentions, looked up once for the page."""

    def __init__(self, events: Iterable[AuditEvent], *, user: SignedIn | None = None) -> None:
        require("audit.view", user)
        events = list(events)
        patient_ids, visit_ids = set(), set()
        for event in events:
            details = _details(event)
            if event.table_name == "patient" and event.record_id.isdigit():
                patient_ids.add(int(event.record_id))
            if isinstance(details.get("patient_id"), int):
                patient_ids.add(details["patient_id"])
            if event.table_name == "visit" and event.record_id.isdigit():
                visit_ids.add(int(event.record_id))
        self.visit_patient = dict(Visit.select(Visit.id, Visit.patient).where(Visit.id.in_(list(visit_ids))).tuples()) \
            if visit_ids else {}
        patient_ids |= set(self.visit_patient.values())
        self.no_rm = dict(Patient.select(Patient.id, Patient.no_rm).where(Patient.id.in_(list(patient_ids))).tuples()) \
            if patient_ids else {}

    def patient(self, patient_id) -> str:
        try:
            number = self.no_rm.get(int(patient_id))
        except (TypeError, ValueError):
            number = None
        return _("Pasien {no_rm}").format(no_rm=number) if number else _("Pasien #{id}").format(id=patient_id)


def _details(event: AuditEvent) -> dict:
    try:
        details = json.loads(event.details or "{}")
    except ValueError:
        return {"data": event.details}
    return details if isinstance(details, dict) else {"data": details}


def subject(event: AuditEvent, names: Names) -> str:
    """The record an event is about, as a clerk names it."""
    details = _details(event)
    if event.table_name == "patient":
        return names.patient(event.record_id)
    if event.table_name == "visit":
        patient_id = details.get("patient_id") or names.visit_patient.get(int(event.record_id or 0))
        return _("Kunjungan {id} ({patient})").format(id=event.record_id, patient=names.patient(patient_id))
    if event.table_name == "user":
        name = details.get("username") or event.user_name
        return _("Pengguna {name}").format(name=name) if name else table_label("user")
    if event.table_name == "student" and details.get("name"):
        return _("Siswa {name}").format(name=details["name"])
    if event.table_name == "report":
        return _("Laporan {kind}").format(kind=event.record_id.upper())
    if event.table_name == "setting" and event.record_id:
        return _("Pengaturan {key}").format(key=event.record_id)
    label = table_label(event.table_name)
    return f"{label} {event.record_id}".strip() if event.record_id and "," not in event.record_id else label


def sentence(event: AuditEvent, names: Names) -> str:
    """The event in words, in the interface's language."""
    details = _details(event)
    reason = details.pop("reason", "")
    who = subject(event, names)
    action = event.action
    if action == "update" and isinstance(details.get("changes"), dict):
        parts = [_change(name, change.get("before"), change.get("after")) for name, change in details["changes"].items()]
        text = f"{who}: " + "; ".join(parts)
    elif action == "update" and event.table_name == "setting" and "before" in details and "after" in details:
        text = f"{who}: " + _("diubah dari {before} ke {after}").format(before=_value(details["before"]),
                                                                          after=_value(details["after"]))
    elif action == "update":
        details.pop("patient_id", None)
        pairs = [(k, v) for k, v in details.items() if isinstance(v, list) and len(v) == 2]
        # A stored change that reads the same (seconds dropped by the form) is not worth a word.
        parts = [_change(k, v[0], v[1]) for k, v in pairs if _value(v[0]) != _value(v[1])]
        rest = {k: v for k, v in details.items() if (k, v) not in pairs}
        text = f"{who}: " + "; ".join(parts + ([_value(rest)] if rest else [])) if parts or rest else \
            _("{who} diubah").format(who=who)
    elif action == "create" and event.table_name == "visit":
        text = _("{who} dicatat, diagnosis {codes}").format(who=who, codes=_value(details.get("diagnoses")))
    elif action == "create" and event.table_name == "patient":
        text = _("{who} didaftarkan").format(who=who)
    elif action == "delete" and event.table_name == "visit":
        text = _("{who} dihapus (diagnosis {codes})").format(who=who, codes=_value(details.get("diagnoses")))
    elif action == "view" and event.table_name == "patient":
        text = _("Kartu {who} dibuka").format(who=who.lower() if who.startswith(_("Pasien")) else who)
    elif action == "seal" and event.table_name == "audit_event":
        text = _("Titik penyegelan jejak audit: sejak ini setiap peristiwa bernomor urut dan disegel kunci "
                 "({count} peristiwa sebelumnya)").format(count=details.get("events_before", 0))
    elif action == "sign_in":
        text = _("Masuk")
    elif action == "sign_out":
        text = _("Keluar")
    elif action == "sign_in_failed":
        why = SIGN_IN_FAILURES.get(details.get("why", ""), lambda: details.get("why", ""))()
        text = _("Gagal masuk: {why}").format(why=why) + (
            _(" (nama pengguna '{name}')").format(name=details["username"]) if details.get("username") else "")
    elif action == "queue":
        state = details.get("state")
        where = " ".join(str(details[k]) for k in ("label", "poli") if details.get(k))
        text = (_("{who}: {before} ke {after}").format(who=who, before=state[0], after=state[1])
                if isinstance(state, list) and len(state) == 2 else
                _("{who}: nomor {label} diambil, {state}").format(who=who, label=where, state=state or ""))
    elif action == "send" and event.table_name == "sent_report":
        text = _("Laporan {kind} {period} ditandai terkirim ({how}{revision})").format(
            kind=str(details.get("kind", "")).upper(), period=details.get("period", ""), how=details.get("method", ""),
            revision=_(", revisi {n}").format(n=details["revision"]) if details.get("revision") else "")
    elif action == "merge":
        text = _("{who}: digabung dengan {other}").format(who=who, other=_value(
            {k: v for k, v in details.items() if k != "patient_id"}))
    else:
        remainder = _value(details) if details else ""
        verb = {
            "create": _("dibuat"), "delete": _("dihapus"), "export": _("diekspor"), "print": _("dicetak"),
            "view": _("dibuka"), "import": _("diimpor"), "enable": _("diaktifkan"), "disable": _("dinonaktifkan"),
            "transition": _("berubah status"), "payout": _("dicairkan"), "propose": _("diusulkan"),
            "backup": _("dicadangkan"), "restore": _("dipulihkan"), "lock": _("dikunci"),
            "queue": _("antrean"), "satusehat": _("dikirim ke SATUSEHAT"), "satusehat_queue": _("dimasukkan ke antrean SATUSEHAT"),
            "satusehat_retry": _("dikirim ulang ke SATUSEHAT"), "pcare": _("dikirim ke P-Care"),
            "pcare_retry": _("dikirim ulang ke P-Care"), "password_change": _("ganti kata sandi"), "password_reset": _("kata sandi diatur ulang"),
        }.get(action, action)
        text = f"{who} {verb}" + (f": {remainder}" if remainder else "")
    if reason:
        text += ". " + _("Alasan: {reason}").format(reason=reason)
    return text
