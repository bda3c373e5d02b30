"""Fixtures of the xAPI tests: Ralph (tests/xapi/lrs.py) and its statements."""

from tests.xapi.lrs import lrs, ralph_python  # noqa: F401 - fixtures
