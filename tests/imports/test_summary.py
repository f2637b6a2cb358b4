"""What an import says when it is done, in the numbers a clerk reads."""

from __future__ import annotations

from kupang_desk.imports.rows import ImportSummary, RowResult
from kupang_desk.imports.values import Unknown


def test_counts_are_grouped_as_indonesian_numbers():
    rows = [RowResult(line, "new", []) for line in range(50_000)] + [RowResult(1, "error", []) for _ in range(1_234)]
    assert ImportSummary(rows=rows).describe() == "50.000 baru, 0 sudah ada, 1.234 ditolak"
    unknown = Unknown("kelurahan", "Kelurahan", "Naikoten 1", 6393, [], False, True)
    assert unknown.describe() == "Kelurahan 'Naikoten 1' (6.393 baris) tidak ada di daftar."
