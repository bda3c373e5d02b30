"""Serve Ralph's LRS API on 127.0.0.1:<port> with the file-system backend (run with the Ralph
virtual environment's python: `python serve.py PORT`).

Settings come from the environment: RALPH_RUNSERVER_BACKEND=fs, RALPH_AUTH_FILE and
RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH (Ralph creates the directory). The fs backend
writes in "create" mode by default, which makes every write after the first answer 500; in
append mode each POST adds its statements to the same file.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND  # type: ignore[attr-defined]

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
