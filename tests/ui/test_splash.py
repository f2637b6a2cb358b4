"""The first start on a new database: the clerk sees Kupang Desk's splash with the progress of the
reference data instead of nothing, and Batal leaves the database as it was."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kupang_desk import connection
from kupang_desk.ui.splash import FirstStartSplash, prepare_reference_data
from kupang_desk.visits.icd import search_icd10


@pytest.fixture
def new_database(tmp_path):
    target = connection.connect(f"sqlite:///{tmp_path / 'baru.sqlite'}", seed=False)
    yield target
    connection.close()


def _shown_splash() -> FirstStartSplash:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, FirstStartSplash) and w.isVisible())


def test_a_new_database_loads_its_lists_behind_a_splash_with_progress(qtbot, new_database, monkeypatch):
    seen: list[tuple[int, str, bool]] = []
    show = FirstStartSplash.show_progress

    def watched(self, done, total, text):
        show(self, done, total, text)
        seen.append((self.progress.value(), self.step.text(), self.isVisible()))

    monkeypatch.setattr(FirstStartSplash, "show_progress", watched)
    assert connection.missing_reference_data()
    assert prepare_reference_data() is True
    assert not connection.missing_reference_data()
    assert seen and all(visible for _value, _text, visible in seen)  # on screen the whole time
    values = [value for value, _text, _visible in seen]
    assert values == sorted(values) and values[-1] >= 95  # the bar only moves forward, to the end
    texts = {text for _value, text, _visible in seen}
    assert any(text.startswith("Memuat wilayah") for text in texts)
    assert any(text.startswith("Memuat ICD-10:") and " dari " in text for text in texts)
    assert not any(w.isVisible() for w in QApplication.topLevelWidgets() if isinstance(w, FirstStartSplash))
    assert prepare_reference_data() is True  # the next start: no splash at all
    assert len(seen) == len(values)


def test_batal_on_the_splash_ends_the_start_and_keeps_no_half_list(qtbot, new_database, monkeypatch):
    show = FirstStartSplash.show_progress

    def cancel_at_icd10(self, done, total, text):
        show(self, done, total, text)
        if text.startswith("Memuat ICD-10") and self.cancel.isEnabled():
            qtbot.mouseClick(_shown_splash().cancel, Qt.MouseButton.LeftButton)

    monkeypatch.setattr(FirstStartSplash, "show_progress", cancel_at_icd10)
    assert prepare_reference_data() is False
    assert connection.missing_reference_data()  # ICD-10 rolled back whole: the next start loads it again
    monkeypatch.setattr(FirstStartSplash, "show_progress", show)
    assert prepare_reference_data() is True
    assert search_icd10("J06")  # what the visit form's diagnosis box finds
