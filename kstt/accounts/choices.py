from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Administrator")
    FEED = "feed", _("Dossier feed (a system account of the one-stop system)")
