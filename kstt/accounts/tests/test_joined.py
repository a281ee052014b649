"""When an account joined is the KSTT clock's time, not the machine's (issue 13: no real time beside a fixed clock)."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from kstt.accounts.choices import Role
from kstt.accounts.models import User
from kstt.accounts.services import save_user
from kstt.tests.cast import AT

pytestmark = pytest.mark.django_db

TRAINING = datetime(2021, 12, 20, 2, 0, tzinfo=UTC)


def test_lan_joined_when_her_account_was_saved(lan):
    assert lan.date_joined == AT  # save_user's ``at``


def test_saving_her_again_keeps_the_day_she_joined(lan, commune_yen_nghiep):
    save_user(username="lan", full_name="Nguyễn Thị Lan", unit=commune_yen_nghiep, roles={Role.REPORTER},
              password=None, at=datetime(2022, 1, 3, tzinfo=UTC))  # fmt: skip
    assert User.objects.get(username="lan").date_joined == AT


def test_an_administrator_made_on_the_command_line_in_training_joined_on_the_clocks_day(settings, monkeypatch):
    settings.KSTT_CLOCK = TRAINING
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "correct horse 2021")
    call_command("createsuperuser", "--no-input", "--username", "quantri2", "--email", "", stdout=StringIO())
    assert User.objects.get(username="quantri2").date_joined == TRAINING
