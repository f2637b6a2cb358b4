"""The school desk: students (Dapodik import, class promotion) and scholarships (awards through
their steps, payouts, the printed list, the activation letters, the recap)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kupang_desk.i18n import _
from kupang_desk.ui.school.scholarships import AwardsTab
from kupang_desk.ui.school.students import StudentsTab
from kupang_desk.ui.sections import SectionView
from kupang_desk.ui.widgets import select_data


class SchoolPage(QWidget, SectionView):
    """Sekolah/Beasiswa: the students tab and the scholarships tab."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.students = StudentsTab()
        self.awards = AwardsTab()
        self.tabs.addTab(self.students, _("Siswa"))
        self.tabs.addTab(self.awards, _("Beasiswa"))
        self.students.changed.connect(self.awards.reload)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)

    def show_target(self, target: str, **details) -> None:
        """"students": the Siswa tab; "awards": the recipients of a programme with a status (a
        Beranda tile's rows)."""
        if target == "students":
            self.tabs.setCurrentWidget(self.students)
        elif target == "awards":
            self.tabs.setCurrentWidget(self.awards)
            if details.get("programme_id") is not None:
                select_data(self.awards.programme_box, details["programme_id"])
            select_data(self.awards.status_box, details.get("status"))
