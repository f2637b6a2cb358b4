"""BMI-for-age and height-for-age of a school child as WHO 2007 z-scores, and what they mean.

The reference is WHO's own L, M and S per sex and month of age, 5 years 1 month to 19 years
(``resources/reference/who2007.csv``, taken from WHO's tables by ``scripts/who2007_tables.py``).
The z-score is WHO's: z = ((X/M)^L - 1) / (L*S); beyond +-3 for BMI, WHO's restricted
application (the distance in units of the 2-3 SD interval), as in WHO AnthroPlus.
The categories are those of Permenkes 2/2020 (Standar Antropometri Anak) for 5-18 years.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from dataclasses import dataclass

from kupang_desk.i18n import _
from kupang_desk.resources import resource_path

FIRST_MONTH, LAST_MONTH = 61, 228  # the reference's range


@dataclass(frozen=True)
class Lms:
    L: float
    M: float
    S: float

    def value(self, z: float) -> float:
        """The measurement at ``z`` (WHO's formula)."""
        return self.M * (1 + self.L * self.S * z) ** (1 / self.L) if self.L else self.M * math.exp(self.S * z)

    def z(self, x: float, *, restricted: bool) -> float:
        if self.L:
            z = ((x / self.M) ** self.L - 1) / (self.L * self.S)
        else:
            z = math.log(x / self.M) / self.S
        if restricted and z > 3:
            sd3, sd2 = self.value(3), self.value(2)
            z = 3 + (x - sd3) / (sd3 - sd2)
        elif restricted and z < -3:
            sd3, sd2 = self.value(-3), self.value(-2)
            z = -3 + (x - sd3) / (sd2 - sd3)
        return z


@functools.cache
def _table() -> dict[tuple[str, str, int], Lms]:
    path = resource_path("reference", "who2007.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {(row["ukuran"], row["jk"], int(row["bulan"])): Lms(float(row["L"]), float(row["M"]), float(row["S"]))
                for row in rows}


def age_months(birth: dt.date, on: dt.date) -> int:
    """Completed months of age."""
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - (on.day < birth.day)


@dataclass(frozen=True)
class Growth:
    bmi: float
    bmi_z: float | None  # None outside 5 years 1 month - 19 years
    height_z: float | None

    @property
    def bmi_status(self) -> str:
        """Status gizi by IMT/U (Permenkes 2/2020, 5-18 years)."""
        z = self.bmi_z
        if z is None:
            return _("di luar rentang rujukan WHO 2007 (5-19 tahun)")
        if z < -3:
            return _("gizi buruk")
        if z < -2:
            return _("gizi kurang")
        if z <= 1:
            return _("gizi baik")
        if z <= 2:
            return _("gizi lebih")
        return _("obesitas")

    @property
    def height_status(self) -> str:
        z = self.height_z
        if z is None:
            return ""
        if z < -3:
            return _("sangat pendek")
        if z < -2:
            return _("pendek")
        return _("normal")

    @property
    def out_of_range(self) -> list[str]:
        """What needs a referral: IMT/U below -2 or above +2, TB/U below -3."""
        found = []
        if self.bmi_z is not None and (self.bmi_z < -2 or self.bmi_z > 2):
            found.append(_("IMT/U {status} ({z:+.1f} SD)").format(status=self.bmi_status, z=self.bmi_z))
        if self.height_z is not None and self.height_z < -3:
            found.append(_("TB/U {status} ({z:+.1f} SD)").format(status=self.height_status, z=self.height_z))
        return found


def growth(sex: str, birth: dt.date, on: dt.date, height_cm: float, weight_kg: float) -> Growth:
    """BMI and its z-scores for a child of ``sex`` ("L"/"P") born on ``birth``, measured on ``on``."""
    bmi = weight_kg / (height_cm / 100) ** 2
    months = age_months(birth, on)
    table = _table()
    if not FIRST_MONTH <= months <= LAST_MONTH or sex not in ("L", "P"):
        return Growth(bmi, None, None)
    return Growth(bmi, table[("imt", sex, months)].z(bmi, restricted=True),
                  table[("tb", sex, months)].z(height_cm, restricted=False))
