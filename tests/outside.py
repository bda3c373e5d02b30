"""Installing the outside implementations the tests run against (an npm package, a Python tool
in its own virtual environment): from a committed lock file, once, whichever test run comes
first; and a free port to serve one on."""

from __future__ import annotations

import fcntl
import hashlib
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def install_once(what: str, *, cwd: Path, sources: list[Path], stamp: Path, lock: Path,
                 steps: list[list[str]], give_up: Callable[[str], NoReturn]) -> None:
    """Run the install `steps` in `cwd` unless `stamp` says they ran for these `sources` (the
    lock files) as they are now. Two test runs may start at once (SQLite, PostgreSQL): the
    `lock` file makes one install while the other waits, then finds it done."""
    wanted = hashlib.sha256(b"".join(source.read_bytes() for source in sources)).hexdigest()
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if stamp.is_file() and stamp.read_text() == wanted:
            return
        for step in steps:
            try:
                done = subprocess.run(step, cwd=cwd, capture_output=True, text=True,  # noqa: S603
                                      timeout=900)
            except (OSError, subprocess.TimeoutExpired) as error:
                give_up(f"could not install {what} ({' '.join(step[:3])} ...): {error}")
            if done.returncode != 0:
                give_up(f"could not install {what} ({' '.join(step[:3])} ...):\n"
                        f"{done.stderr.strip()[-3000:]}")
        stamp.write_text(wanted)


def npm_ci(what: str, folder: Path, npm: str, give_up: Callable[[str], NoReturn]) -> None:
    """Install `folder`'s npm packages exactly as its package-lock.json says, once."""
    install_once(what, cwd=folder, sources=[folder / "package-lock.json", folder / "package.json"],
                 stamp=folder / "node_modules" / ".installed-from-lock",
                 lock=folder / ".npm-ci.lock",
                 steps=[[npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"]],
                 give_up=give_up)
