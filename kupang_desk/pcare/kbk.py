"""KBK (kapitasi berbasis kinerja): the three figures BPJS pays a puskesmas's capitation by, counted
from the office's own visits so the head sees them during the month, not after BPJS's reckoning.

- Angka kontak (AK): JKN members who had at least one visit this month per 1,000 members registered
  with this FKTP (the figure BPJS gives the office each month, entered in Pengaturan > P-Care);
  target at least 150 per mil.
- Rasio rujukan rawat jalan non-spesialistik (RRNS): JKN visits referred on to a hospital for a
  diagnosis a puskesmas is expected to treat itself (BPJS's list of non-specialist diagnoses, pasted
  by the office from BPJS's letter: the program does not ship a list it cannot cite) per JKN visit;
  target below 2%.
- Rasio peserta Prolanis terkendali (RPPT): BPJS counts Prolanis members with their blood pressure or
  blood sugar controlled. Once the office marks its Prolanis members (data pasien > Prolanis), the
  figure is those members with hypertension seen this month whose last blood pressure was below
  140/90; before that, every JKN patient with hypertension seen this month, and the line says so.
  Target at least 5%. Blood sugar (HbA1c) is not recorded by Kupang Desk and is not in it.

Targets: ``../shared/domain/layanan-primer-2025.md`` (Peraturan BPJS Kesehatan on KBK).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kupang_desk import audit, clock, settings
from kupang_desk.accounts.permissions import require
from kupang_desk.accounts.session import SignedIn
from kupang_desk.errors import FormInvalid
from kupang_desk.formatting import format_decimal, format_number
from kupang_desk.i18n import _
from kupang_desk.models import Icd10, Patient, PaymentType, Visit, VisitDiagnosis, writing
from kupang_desk.visits.icd import normalize_code

CONTACT_TARGET = 150  # per mil, at least
RRNS_TARGET = Decimal(2)  # percent, below
RPPT_TARGET = Decimal(5)  # percent, at least
HYPERTENSION = ("I10", "I11", "I12", "I13", "I15")
CONTROLLED_BELOW = (140, 90)  # systolic, diastolic (mmHg)


@dataclass(frozen=True)
class Indicator:
    """One KBK figure: its value in words, the target, whether it is met (None: cannot be counted,
    with ``missing`` saying what to fill in) and how it was counted."""

    key: str
    title: str
    value: str
    target: str
    met: bool | None
    counted: str
    missing: str = ""


def _month(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day.replace(day=1), dt.time())
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def _jkn_visits(day: dt.date):
    start, end = _month(day)
    return (Visit.select().join(PaymentType, on=(Visit.payment_type == PaymentType.id))
            .where(PaymentType.is_bpjs & Visit.deleted_at.is_null() & (Visit.visit_at >= start) & (Visit.visit_at < end)))


def monitor(day: dt.date | None = None, *, user: SignedIn | None = None) -> list[Indicator]:
    """The month of ``day`` up to that day (counts only: no personal data)."""
    require("report.make", user)
    day = day or clock.today()
    return [_contact(day), _referrals(day), _controlled(day)]


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _contact(day: dt.date) -> Indicator:
    members = int(settings.get("pcare.members") or 0)
    seen = _jkn_visits(day).select(Visit.patient).distinct().count()
    title = _("Angka kontak")
    target = _("paling sedikit {n}‰").format(n=CONTACT_TARGET)
    if members <= 0:
        return Indicator("contact", title, "-", target, None, _("{n} peserta JKN berkunjung bulan ini").format(
            n=format_number(seen)), _("Isi jumlah peserta JKN terdaftar (dari BPJS) di Pengaturan > P-Care."))
    rate = (Decimal(seen) * 1000 / members).quantize(Decimal("0.1"))
    return Indicator("contact", title, f"{format_decimal(float(rate))}‰", target, rate >= CONTACT_TARGET,
                     _("{seen} dari {members} peserta terdaftar berkunjung bulan ini").format(
                         seen=format_number(seen), members=format_number(members)))


def _referrals(day: dt.date) -> Indicator:
    codes = [str(code) for code in settings.get("pcare.non_specialist") or []]
    visits = _jkn_visits(day)
    total = visits.count()
    referred = visits.where(Visit.referral_kind == "external")
    title = _("Rujukan non-spesialistik")
    target = _("di bawah {n}%").format(n=format_decimal(float(RRNS_TARGET)))
    if not codes:
        return Indicator("rrns", title, "-", target, None, _("{n} kunjungan JKN dirujuk ke rumah sakit bulan ini").format(
            n=format_number(referred.count())), _("Tempel daftar diagnosis non-spesialistik dari BPJS di Pengaturan > P-Care."))
    categories = {code for code in codes if len(code) == 3}
    non_specialist = (VisitDiagnosis.select(VisitDiagnosis.visit).join(Icd10, on=(VisitDiagnosis.icd10 == Icd10.code))
                      .where(VisitDiagnosis.is_primary & (VisitDiagnosis.icd10.in_(codes) | Icd10.category.in_(categories))))
    count = referred.where(Visit.id.in_(non_specialist)).count()
    if not total:
        return Indicator("rrns", title, "-", target, None, _("belum ada kunjungan JKN bulan ini"))
    ratio = _percent(count, total)
    return Indicator("rrns", title, f"{format_decimal(float(ratio))}%", target, ratio < RRNS_TARGET,
                     _("{n} dari {total} kunjungan JKN dirujuk dengan diagnosis non-spesialistik").format(
                         n=format_number(count), total=format_number(total)))


def _controlled(day: dt.date) -> Indicator:
    """JKN patients with hypertension seen this month, and those whose last blood pressure of the
    month was below 140/90."""
    hypertensive = (VisitDiagnosis.select(VisitDiagnosis.visit).join(Icd10, on=(VisitDiagnosis.icd10 == Icd10.code))
                    .where(Icd10.category.in_(HYPERTENSION)))
    members = Patient.select(Patient.id).where(Patient.prolanis)
    marked = members.exists()  # the office marks its Prolanis members: then only they count
    visits = _jkn_visits(day).where(Visit.id.in_(hypertensive))
    if marked:
        visits = visits.where(Visit.patient.in_(members))
    latest: dict[int, tuple[dt.datetime, int | None, int | None]] = {}
    for patient, at, systolic, diastolic in visits.select(Visit.patient, Visit.visit_at, Visit.systolic,
                                                          Visit.diastolic).tuples():
        if systolic is not None and (patient not in latest or at > latest[patient][0]):
            latest[patient] = (at, systolic, diastolic)
        latest.setdefault(patient, (at, None, None))
    title = _("Prolanis terkendali (hipertensi)") if marked else _("Hipertensi terkendali")
    target = _("paling sedikit {n}%").format(n=format_decimal(float(RPPT_TARGET)))
    if not latest:
        return Indicator("rppt", title, "-", target, None, _("belum ada peserta Prolanis dengan hipertensi bulan ini") if marked
                         else _("belum ada pasien JKN dengan hipertensi bulan ini"))
    controlled = sum(1 for _at, s, d in latest.values() if s is not None and d is not None
                     and s < CONTROLLED_BELOW[0] and d < CONTROLLED_BELOW[1])
    ratio = _percent(controlled, len(latest))
    if marked:
        counted = _("{n} dari {total} peserta Prolanis dengan hipertensi bulan ini, tekanan darah terakhir di bawah 140/90 "
                    "(gula darah tidak dicatat di Kupang Desk)")
    else:
        counted = _("{n} dari {total} pasien JKN dengan hipertensi bulan ini, tekanan darah terakhir di bawah 140/90; tandai "
                    "peserta Prolanis di data pasien agar hanya mereka yang dihitung")
    return Indicator("rppt", title, f"{format_decimal(float(ratio))}%", target, ratio >= RPPT_TARGET,
                     counted.format(n=format_number(controlled), total=format_number(len(latest))))


def save_figures(members: int, non_specialist: str, *, user: SignedIn | None = None) -> tuple[int, list[str]]:
    """The members registered with this FKTP (BPJS's monthly figure) and BPJS's list of
    non-specialist diagnoses as pasted (codes separated by commas, spaces or lines)."""
    user = require("settings.edit", user)
    errors = {}
    if members < 0:
        errors["members"] = _("Jumlah peserta tidak boleh negatif.")
    codes, wrong = [], []
    for word in non_specialist.replace(",", " ").replace(";", " ").split():
        code = normalize_code(word)
        if code and Icd10.get_or_none(Icd10.code == code) is not None:
            codes.append(code)
        else:
            wrong.append(word)
    if wrong:
        errors["non_specialist"] = _("Bukan kode ICD-10 yang dikenal: {codes}.").format(codes=", ".join(wrong[:10]))
    if errors:
        raise FormInvalid(errors, lead=_("Angka KBK belum disimpan: "))
    codes = sorted(set(codes))
    with writing():
        settings.put("pcare.members", members)
        settings.put("pcare.non_specialist", codes)
        audit.record("update", "setting", "pcare.kbk", {"members": members, "non_specialist": len(codes)}, user)
    return members, codes
