"""Forms 06 v1 and II.07b v1 as already loaded gain their ``ceiling`` (rules.md §5), as the shipped files now have.

A data migration, not new form versions: no column or rule changes; the files only say, as data, the
largest figure a cell may hold (999,999,999, the loader's default for a form that names none, so the
stored forms are checked exactly as before this migration). Without it, a database that loaded the
v1 files before would refuse the shipped ones ("already loaded with different content"). A database
without these forms is left alone (the loader adds them), and a stored form that already has a
``ceiling`` is left as it is. No schema changes: the definition is a JSON field.
"""

import hashlib
import json

from django.db import migrations

FORMS = (("06/VPCP/KSTT", 1), ("II.07b/VPCP/KSTT", 1))
CEILING = 999_999_999


def _digest(data):
    """As catalogue.services._digest (frozen here: a migration never imports the current code)."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _stored(apps):
    FormDefinition = apps.get_model("catalogue", "FormDefinition")
    for code, version in FORMS:
        yield from FormDefinition.objects.filter(code=code, version=version)


def add_ceiling(apps, schema_editor):
    for form in _stored(apps):
        if "ceiling" in form.definition:
            continue
        form.definition = {**form.definition, "ceiling": CEILING}
        form.digest = _digest(form.definition)
        form.save(update_fields=["definition", "digest"])


def remove_ceiling(apps, schema_editor):
    for form in _stored(apps):
        if form.definition.get("ceiling") == CEILING:
            form.definition = {k: v for k, v in form.definition.items() if k != "ceiling"}
            form.digest = _digest(form.definition)
            form.save(update_fields=["definition", "digest"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0007_report_types_lose_their_settings")]

    operations = [migrations.RunPython(add_ceiling, remove_ceiling)]
