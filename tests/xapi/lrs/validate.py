"""Validate xAPI statements with Ralph's own models (run with the Ralph virtual environment's
python): a JSON list of statements on stdin, a JSON list of problems (one string each) out."""

from __future__ import annotations

import json
import sys

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement

if __name__ == "__main__":
    problems = []
    for statement in json.load(sys.stdin):
        try:
            BaseXapiStatement.model_validate(statement)
        except ValidationError as error:
            problems.append(f"{statement.get('id')}: {error}")
    json.dump(problems, sys.stdout)
