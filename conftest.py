"""Test-wide fixtures: the named cast of Hòa Bình in miniature (kstt/tests/cast.py)."""

import pytest

from kstt import cli
from kstt.tests.cast import *


@pytest.fixture(autouse=True)
def _forget_process_settings():
    """The settings versions a process keeps (kstt.catalogue.selectors) are keyed by ids a rolled-back test's
    rows may reuse on SQLite: each test starts and ends without them."""
    from kstt.catalogue import selectors

    selectors.forget_process_settings()
    yield
    selectors.forget_process_settings()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """The one dependency warning KSTT cannot fix (kstt/cli.py), silenced in the tests as in every `kstt`
    command: pytest resets the warning filters around each test, so it takes them as its own."""
    category = "cryptography.utils.CryptographyDeprecationWarning"
    config.addinivalue_line("filterwarnings", f"ignore:{cli.DSA_MESSAGE}:{category}:{cli.DSA_MODULE}")
