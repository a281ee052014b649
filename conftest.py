"""Test-wide fixtures: the named cast of Hòa Bình in miniature (kstt/tests/cast.py)."""

import pytest

from kstt.tests.cast import *


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
