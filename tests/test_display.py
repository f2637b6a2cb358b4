"""Before Qt: a missing system library or screen is named with the line that fixes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kupang_desk import display

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libEGL.so.1", "libegl1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libfontconfig.so.1.12.0", "libfontconfig1"),
])
def test_the_debian_package_of_a_library(soname, package):
    assert display.debian_package(soname) == package


def fake_ldd(folder: Path, *missing: str) -> Path:
    """An ``ldd`` that reports ``missing`` (and a resolved library) as glibc's does."""
    lines = "\n".join(f"\t{soname} => not found" for soname in missing)
    script = folder / "ldd"
    script.write_text(f"#!/bin/sh\nprintf '\\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\\n{lines}\\n'\n")
    script.chmod(0o755)
    return script


@pytest.mark.skipif(display.xcb_plugin() is None, reason="this PySide6 has no xcb plugin (not Linux)")
def test_missing_libraries_give_the_one_apt_get_line(tmp_path):
    ldd = fake_ldd(tmp_path, "libxcb-keysyms.so.1", "libxcb-icccm.so.4", "libxcb-icccm.so.4")
    message = display.problem({"DISPLAY": ":0"}, ldd=str(ldd))
    assert message is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert message.splitlines()[-1].strip() == "sudo apt-get install libxcb-icccm4 libxcb-keysyms1"


@pytest.mark.skipif(display.xcb_plugin() is None, reason="this PySide6 has no xcb plugin (not Linux)")
def test_nothing_to_say_when_every_library_resolves(tmp_path):
    assert display.problem({"DISPLAY": ":0"}, ldd=str(fake_ldd(tmp_path))) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin is Linux's")
def test_no_screen_is_said_plainly():
    message = display.problem({})
    assert message is not None and "DISPLAY kosong" in message and "kupang-desk info" in message


@pytest.mark.parametrize("environ", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"},
                                     {"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}])
def test_other_platforms_are_left_to_qt(environ, tmp_path):
    assert display.problem(environ, ldd=str(fake_ldd(tmp_path, "libxcb-icccm.so.4"))) is None


@pytest.mark.skipif(display.xcb_plugin() is None, reason="this PySide6 has no xcb plugin (not Linux)")
def test_the_program_exits_2_with_the_line_instead_of_aborting(tmp_path):
    """The whole program, as a newcomer starts it: no traceback, no Qt abort, exit 2."""
    fake_ldd(tmp_path, "libxcb-icccm.so.4")
    environ = {key: value for key, value in os.environ.items() if key != "QT_QPA_PLATFORM"}
    environ.update(PATH=f"{tmp_path}{os.pathsep}{environ.get('PATH', '')}", DISPLAY=":99")
    result = subprocess.run([sys.executable, "-m", "kupang_desk", "--database",
                             f"sqlite:///{tmp_path / 'kupang.sqlite'}"], capture_output=True, text=True,
                            env=environ, cwd=ROOT, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    assert "sudo apt-get install libxcb-icccm4" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "kupang.sqlite").exists()  # stopped before anything was opened
