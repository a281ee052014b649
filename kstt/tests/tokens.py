"""An API key for a test's user (kstt/accounts/services.py: create_token), as `kstt create-token` makes one."""

from kstt import clock
from kstt.accounts.services import create_token


def api_key(user) -> str:
    return create_token(user=user, name="test", at=clock.now())[1]
