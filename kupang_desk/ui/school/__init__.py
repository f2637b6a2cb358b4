"""The school desk: students (Dapodik import, class promotion) and scholarships (awards through
their steps, payouts, the printed list, the activation letters, the recap)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kupang_desk.i18n import _
from kupang_desk.ui.school.scholarships import AwardsTab
from kupang_desk.ui.school.students import StudentsTab


class SchoolPage(QWidget):
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
