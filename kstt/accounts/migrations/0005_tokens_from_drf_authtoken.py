"""The tokens made before (Django REST framework's authtoken, keys stored in clear) become KSTT's API tokens:
the same key keeps working (only its digest is kept now), valid KSTT_API_TOKEN_DAYS from the migration, and
the clear keys are deleted. Nothing to do on a database that never had DRF's table."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations

from kstt import clock


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    User = apps.get_model("accounts", "User")
    at = clock.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    for key, user_id in rows:
        token = ApiToken.objects.create(
            user_id=user_id,
            name="DRF token (moved)",
            prefix=key[:8],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created_at=at,
            expires_at=at + timedelta(days=settings.KSTT_API_TOKEN_DAYS),
        )
        AuditEntry.objects.create(
            at=at,
            actor=None,
            event="accounts.token_created",
            target_type="accounts.apitoken",
            target_id=str(token.pk),
            data={
                "user": User.objects.get(pk=user_id).username,
                "name": token.name,
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_tokens"), ("audit", "0003_append_only_trigger")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
