"""The one-line answer under a settings form: green when saved, red with what to fix."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
)

from kupang_desk.errors import KnownError
from kupang_desk.ui.widgets import (
    ERROR_STYLE,
)

OK_STYLE = "color: #0b6e4f;"


def status_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
    label.setText(text)


def attempt(label: QLabel, work, done) -> bool:
    """Runs ``work``; says ``done`` (text, or a function of the result) in green, or the error in red."""
    try:
        result = work()
    except KnownError as error:
        say(label, str(error), error=True)
        return False
    say(label, done(result) if callable(done) else done)
    return True
