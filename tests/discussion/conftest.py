"""The duties' clock, as the cohorts' tests set it."""

from tests.cohorts.conftest import clock  # noqa: F401 - a fixture
