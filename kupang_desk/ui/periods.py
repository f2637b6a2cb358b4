"""The period controls the report pages share: a month with its year, and an SKDR week number."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QSpinBox

from kupang_desk.formatting import month_names
from kupang_desk.i18n import _
from kupang_desk.ui.widgets import combo


def year_box(year: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(2000, 2100)
    box.setValue(year)
    return box


def month_and_year(day: dt.date) -> tuple[QComboBox, QSpinBox]:
    """A month list and a year, set to ``day``'s month."""
    month = combo([(name, number) for number, name in enumerate(month_names(), start=1)])
    month.setCurrentIndex(day.month - 1)
    return month, year_box(day.year)


def week_box(number: int) -> QSpinBox:
    """An epidemiological week number, 1 to 53, shown as "minggu ke-43"."""
    box = QSpinBox()
    box.setRange(1, 53)
    box.setPrefix(_("minggu ke-"))
    box.setValue(number)
    return box
