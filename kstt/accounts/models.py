from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kstt import clock
from kstt.accounts.choices import Role
from kstt.units.models import Unit


class User(AbstractUser):
    """A person: belongs to one unit and holds roles (accounts.access decides what they may do)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_reporter = models.BooleanField(
        _("reporter"), default=False, help_text=_("Fills and submits their unit's reports.")
    )
    is_reviewer = models.BooleanField(
        _("reviewer"), default=False, help_text=_("Reviews and compiles the reports of the units below theirs.")
    )
    is_kstt_admin = models.BooleanField(
        _("administrator"), default=False, help_text=_("Manages the catalogue, users and incidents.")
    )

    is_dossier_feed = models.BooleanField(
        _("dossier feed"), default=False, help_text=_("A system account that pushes dossier records through the API.")
    )
    #: From the KSTT clock, not Django's timezone.now (kstt/tests/test_clock.py): an account made under a
    #: fixed clock (a demo, createsuperuser in training) joined on the clock's day. save_user passes its ``at``.
    date_joined = models.DateTimeField(_("date joined"), default=clock.now)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(is_reporter=False, is_reviewer=False),
                name="user_reporter_or_reviewer_has_unit",
                violation_error_message=_("A reporter or reviewer must belong to a unit."),
            )
        ]

    def get_full_name(self) -> str:
        """Vietnamese order: family name (last_name) first, then the given names (first_name)."""
        return f"{self.last_name} {self.first_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name.split()[-1] if self.first_name else self.username

    @property
    def roles(self) -> frozenset[Role]:
        held = {
            Role.REPORTER: self.is_reporter,
            Role.REVIEWER: self.is_reviewer,
            Role.ADMIN: self.is_kstt_admin,
            Role.FEED: self.is_dossier_feed,
        }
        return frozenset(role for role, has in held.items() if has)


class ApiToken(models.Model):
    """A key a system (or a person's script) sends as ``Authorization: Token <key>``. Only the key's SHA-256
    digest is stored: the key is shown once, when made (``kstt create-token``). A token is refused from its
    ``expires_at`` on, and once revoked (by its owner on their tokens page, by an administrator)."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the token is for."))
    #: The key's first characters, to tell tokens apart on the pages; not enough to use it.
    prefix = models.CharField(_("beginning of the key"), max_length=8)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("revoked by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    def is_live(self, at: datetime) -> bool:
        """Usable at the instant ``at``: not revoked, and ``at`` is before its expiry."""
        return self.revoked_at is None and at < self.expires_at
