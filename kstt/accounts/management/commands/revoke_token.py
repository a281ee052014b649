from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.accounts.models import ApiToken, User
from kstt.accounts.services import revoke_token


class Command(BaseCommand):
    help = (
        "Revoke API tokens: by number (as the tokens pages and kstt create-token show it), or every token "
        "of a user (--user). A revoked token is refused from now on; it stays listed, as a record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("tokens", nargs="*", type=int, help="token numbers")
        parser.add_argument("--user", help="revoke every token of this user")

    def handle(self, *args, tokens: list[int], user: str | None, **options) -> None:
        if not tokens and not user:
            raise CommandError("name the tokens to revoke, or --user USERNAME")
        chosen = list(ApiToken.objects.filter(pk__in=tokens))
        missing = sorted(set(tokens) - {token.pk for token in chosen})
        if missing:
            raise CommandError(f"no token {', '.join(map(str, missing))}; nothing was revoked")
        if user is not None:
            if not User.objects.filter(username=user).exists():
                raise CommandError(f"no user {user!r}; nothing was revoked")
            chosen += list(ApiToken.objects.filter(user__username=user))
        at = clock.now()
        count = sum(revoke_token(token=token, at=at) for token in {token.pk: token for token in chosen}.values())
        self.stdout.write(f"{count} tokens revoked")
