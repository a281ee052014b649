from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    DIRECT = "direct", _("Direct")
    POSTAL = "postal", _("Postal")


class Outcome(models.TextChoices):
    SETTLED = "settled", _("Settled")
    RETURNED = "returned", _("Returned or withdrawn")
    REFUSED = "refused", _("Refused at intake")
