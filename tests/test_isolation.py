"""The tests run in folders of their own, and the log is set up once per process."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

from kupang_desk.cli import main
from kupang_desk.logs import log_path, setup_logging

REAL_HOME, USER_FOLDERS = Path.home(), Path(os.environ["KUPANG_DESK_TEST_FOLDERS"])


def test_no_test_writes_into_the_real_user_folders(qapp, own_user_folders):
    from PySide6.QtCore import QSettings

    for path in (user_data_path("KupangDesk"), user_config_path("KupangDesk"), log_path(), QSettings().fileName()):
        assert str(path).startswith(str(USER_FOLDERS)) or str(path).startswith(str(own_user_folders.parent))
        assert not str(path).startswith(str(REAL_HOME / ".local")) and not str(path).startswith(str(REAL_HOME / ".config"))


def test_logging_is_set_up_once_however_often_the_command_line_runs(sqlite_url, capsys):
    for _run in range(3):
        main(["--database", sqlite_url, "info"])
    setup_logging()
    files = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(files) == 1  # one file handler: a line is logged once, not once per call
