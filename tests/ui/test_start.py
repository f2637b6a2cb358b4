"""The window's start: the garbage collector runs rarely while the window loads, then as usual, so a
long day's session does not keep garbage it would have collected."""

from __future__ import annotations

import gc

from kupang_desk import cli
from kupang_desk.ui import app


def test_the_collector_is_back_to_usual_once_the_window_is_loaded(monkeypatch):
    usual = gc.get_threshold()
    try:
        gc.set_threshold(cli.LOADING_GC_THRESHOLD, *usual[1:])  # as cli.main sets it for the window
        assert app._load_window_module().__name__ == "MainWindow"
        assert gc.get_threshold() == (app.DEFAULT_GC_THRESHOLD, *usual[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*usual)
