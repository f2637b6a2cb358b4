"""Whether the window can open on this screen, checked before Qt is created.

On Linux, Qt's xcb platform plugin aborts the whole process (exit 134) when one of its
system libraries is missing, and its own message may name the wrong one. So the command
line asks the dynamic loader first (``ldd`` resolves the plugin's whole dependency tree)
and, when something is missing, prints the one ``apt-get install`` line that fixes it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from kupang_desk.i18n import _

# Debian names a library's package after its soname (libfoo.so.4 -> libfoo4, libfoo-x11.so.0
# -> libfoo-x11-0); these are the exceptions among the libraries Qt's xcb plugin loads.
PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
}
NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def debian_package(soname: str) -> str:
    """The Debian package that ships ``soname`` (``libxcb-icccm.so.4`` -> ``libxcb-icccm4``)."""
    if soname in PACKAGE_EXCEPTIONS:
        return PACKAGE_EXCEPTIONS[soname]
    name, _sep, version = soname.partition(".so.")
    version = version.split(".")[0]
    name = name.lower()
    return f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin inside the installed PySide6, or None when it is not there."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        plugin = Path(location) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_libraries(plugin: Path, ldd: str | None = None) -> list[str]:
    """Sonames the plugin needs that the loader cannot find (empty when it would load)."""
    ldd = ldd or shutil.which("ldd")
    if ldd is None:  # not glibc's usual tools: let Qt try
        return []
    result = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=False)
    return sorted(set(NOT_FOUND.findall(result.stdout + result.stderr)))


def uses_xcb(environ: os._Environ[str] | dict[str, str]) -> bool:
    """Whether Qt will pick its X11 (xcb) plugin: Linux, and no other platform asked for."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def problem(environ: os._Environ[str] | dict[str, str] | None = None, *, ldd: str | None = None) -> str | None:
    """Why the window cannot open here, in words for the user, or None when it can."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ):
        return None
    if not environ.get("DISPLAY"):
        return _("Tidak ada layar untuk membuka jendela Kupang Desk (DISPLAY kosong). Jalankan dari "
                 "desktop, atau pakai perintah baris perintah seperti \"kupang-desk info\" "
                 "(daftarnya: kupang-desk --help).")
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin, ldd)
    if not missing:
        return None
    return _("Jendela Kupang Desk tidak bisa dibuka: pustaka sistem untuk layar belum terpasang ({libraries}).\n"
             "Pasang dengan perintah ini (sekali saja), lalu jalankan Kupang Desk lagi:\n"
             "    sudo apt-get install {packages}").format(
        libraries=", ".join(missing), packages=" ".join(packages_for(missing)))


def packages_for(sonames: list[str]) -> list[str]:
    """The Debian packages that ship ``sonames``, each once."""
    return sorted({debian_package(soname) for soname in sonames})


def missing_packages() -> list[str]:
    """The Debian packages to install so that the window opens (for scripts/system-libraries.sh)."""
    plugin = xcb_plugin()
    if plugin is None or not sys.platform.startswith("linux"):
        return []
    return packages_for(missing_libraries(plugin))


if __name__ == "__main__":  # python -m kupang_desk.display: the packages still missing, one line
    print(" ".join(missing_packages()))
