"""Qt's own words (standard buttons, the text-field menu, the file dialog, the print dialog and its
preview) in Bahasa Indonesia.

PySide6 ships no Indonesian ``qtbase`` catalogue, so Kupang Desk carries one:
``resources/translations/qt_id.ts`` (Qt Linguist's format), compiled by ``scripts/qt_catalogue.py``
with ``pyside6-lrelease`` into ``qt_id.qm``, which is loaded here for Indonesian only. Whatever it
does not hold stays as Qt wrote it. Qt's locale follows the language too: a number box writes
``1.800`` and a calendar names ``Desember`` in Indonesian, whatever the PC's own region is.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, QTranslator

from kupang_desk.resources import resource_path

log = logging.getLogger(__name__)
CATALOGUE = "qt_id.qm"
_translator: QTranslator | None = None


def catalogue() -> QTranslator:
    """The compiled catalogue, loaded (an empty translator, and a line in the log, when it is missing)."""
    translator = QTranslator()
    path = resource_path("translations", CATALOGUE)
    if not translator.load(str(path)):
        log.warning("Qt's Indonesian catalogue %s could not be loaded: Qt's dialogs stay in English", path)
    return translator


def install(app, language: str) -> None:
    """Qt's own words in ``language``: Indonesian from the catalogue, Qt's English otherwise."""
    global _translator
    QLocale.setDefault(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia) if language == "id"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    if language == "id" and _translator is None:
        _translator = catalogue()
        _translator.setParent(app)
        app.installTranslator(_translator)
    elif language != "id" and _translator is not None:
        app.removeTranslator(_translator)
        _translator = None
