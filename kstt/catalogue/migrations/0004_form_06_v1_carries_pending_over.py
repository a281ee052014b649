"""Form 06 v1 as already loaded gains its ``[[carry]]`` table (R7 of forms.md), as the shipped file now has.

A data migration, not a new form version: no column or rule of the form changes; the file only says, as
data, which column carries over from the previous period (forms.md R7, part of this version from the
start). Without it, a database that loaded version 1 before would refuse the shipped file ("already
loaded with different content"). A database without form 06 v1 is left alone (the loader adds it), and
one whose stored form already has a ``carry`` is left as it is.
"""

import hashlib
import json

from django.db import migrations

CODE, VERSION = "06/VPCP/KSTT", 1
CARRY = [
    {
        "id": "R7",
        "from": "pending_total",
        "to": "carried_over",
        "message": "Số hồ sơ từ kỳ trước chuyển sang phải bằng số hồ sơ đang giải quyết cuối kỳ trước",
    }
]


def _digest(data):
    """As catalogue.services._digest (frozen here: a migration never imports the current code)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def add_carry(apps, schema_editor):
    FormDefinition = apps.get_model("catalogue", "FormDefinition")
    for form in FormDefinition.objects.filter(code=CODE, version=VERSION):
        if "carry" in form.definition:
            continue
        form.definition = {**form.definition, "carry": CARRY}
        form.digest = _digest(form.definition)
        form.save(update_fields=["definition", "digest"])


def remove_carry(apps, schema_editor):
    FormDefinition = apps.get_model("catalogue", "FormDefinition")
    for form in FormDefinition.objects.filter(code=CODE, version=VERSION):
        if form.definition.get("carry") == CARRY:
            form.definition = {k: v for k, v in form.definition.items() if k != "carry"}
            form.digest = _digest(form.definition)
            form.save(update_fields=["definition", "digest"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_outline_definitions")]

    operations = [migrations.RunPython(add_carry, remove_carry)]
