from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.accounts.models import User
from kstt.accounts.services import AccountError, create_token


class Command(BaseCommand):
    help = (
        "Create an API token of a user (a system account with the feed role, usually) and print its key, once: "
        "only its digest is kept. Sent as 'Authorization: Token <key>'; valid KSTT_API_TOKEN_DAYS days "
        "(or --days), revocable on the user's tokens page, in the administration site or by kstt revoke-token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help=f"days it is valid (default {settings.KSTT_API_TOKEN_DAYS})")
        parser.add_argument("--name", default="", help="what the token is for, shown on the tokens pages")

    def handle(self, *args, username: str, days: int | None, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            token, key = create_token(user=user, name=name, days=days, at=clock.now())
        except AccountError as exc:
            raise CommandError(f"{exc}; no token was made") from None
        self.stderr.write(
            f"Token {token.pk} of {username}, valid until {token.expires_at.isoformat()} (refused from then on). "
            "Its key is shown only now:"
        )
        self.stdout.write(key)
