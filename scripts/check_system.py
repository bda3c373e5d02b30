"""Check the system libraries the platform needs before `make run` and `make test` install it.

WeasyPrint (certificates, reports) loads Pango, HarfBuzz (with its subset library, or a
DeprecationWarning that the test suite turns into an error), fontconfig and GObject at run
time; pip cannot install them. The certificates' fonts are bundled in static/fonts/, so no
system font is needed. `python -m venv` needs Debian's venv package until .venv/ exists.

When something is missing: as root with apt-get, install it; otherwise print one line that
names the command to run, and exit 1. Standard library only: it runs before .venv/ exists.
Prints nothing on standard output when all is well (the Makefile reads it).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The library WeasyPrint opens (the same file names) and the Debian/Ubuntu package holding it.
LIBRARIES = [
    ("libgobject-2.0.so.0", "libglib2.0-0"),
    ("libpango-1.0.so.0", "libpango-1.0-0"),
    ("libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
    ("libharfbuzz.so.0", "libharfbuzz0b"),
    ("libharfbuzz-subset.so.0", "libharfbuzz-subset0"),
    ("libfontconfig.so.1", "libfontconfig1"),
]


def loads(library: str) -> bool:
    """Whether the dynamic loader finds `library`, as WeasyPrint will look for it."""
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def missing_libraries() -> list[tuple[str, str]]:
    """(library, package) for each library WeasyPrint needs that cannot be loaded."""
    return [(library, package) for library, package in LIBRARIES if not loads(library)]


def missing_packages() -> list[str]:
    """The Debian/Ubuntu packages to install, in order, without repeats."""
    packages = [package for _, package in missing_libraries()]
    if not (ROOT / ".venv" / "bin" / "python").exists() \
            and importlib.util.find_spec("ensurepip") is None:
        packages.append("python3-venv")  # Debian splits `python3 -m venv` out of python3
    return list(dict.fromkeys(packages))


def problem_line(packages: list[str]) -> str:
    """The one line that says what is missing and how to install it."""
    names = " ".join(packages)
    if shutil.which("apt-get"):
        return f"Missing system libraries: {names}. Run: sudo apt-get install -y {names}"
    libraries = ", ".join(library for library, _ in missing_libraries()) or names
    return (f"Missing system libraries: {libraries}. Install them with your package manager "
            f"(Debian or Ubuntu: apt-get install -y {names})")


def install(packages: list[str]) -> bool:
    """Install `packages` with apt-get (as root); its output goes to standard error."""
    print(f"Installing system libraries: {' '.join(packages)} (apt-get)", file=sys.stderr)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]):
        result = subprocess.run(command, env=environment, stdout=sys.stderr,  # noqa: S603
                                check=False)
        if result.returncode != 0:
            return False
    return True


def main() -> int:
    packages = missing_packages()
    if not packages:
        return 0
    can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    if can_install and install(packages):
        packages = missing_packages()
        if not packages:
            return 0
    print(problem_line(packages))
    return 1


if __name__ == "__main__":
    sys.exit(main())
