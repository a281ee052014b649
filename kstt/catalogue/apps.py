import sys
from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "kstt.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        post_migrate.connect(load_shipped_catalogue, sender=self, dispatch_uid="kstt.catalogue.load_shipped")


def load_shipped_catalogue(*, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs: Any) -> None:
    """``migrate`` loads the shipped catalogue (definitions/), so a fresh database knows its report, forms and outline.

    A ``post_migrate`` handler rather than a data migration: it runs the one loader
    (``services.load_catalogue``, all or nothing, idempotent) against the current models once every
    migration is applied, so it never has to keep a frozen copy of the loader in step with old schemas,
    and a form version shipped with an upgrade is loaded by that upgrade's ``migrate``. Django itself
    creates content types and permissions the same way. ``kstt load-catalogue`` stays for definitions
    from elsewhere (``--dir``). Nothing happens while migrations are still unapplied (a partial or
    backward ``migrate``), since the current models would not match the tables.
    """
    from kstt import clock
    from kstt.catalogue.services import CatalogueError, load_catalogue

    if using != DEFAULT_DB_ALIAS:
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    try:
        result = load_catalogue(at=clock.now())
    except CatalogueError as exc:
        from django.core.management import CommandError

        raise CommandError(f"the shipped catalogue does not load: {exc}") from None
    created_any = result.report_types_created + result.settings_added + result.forms_created + result.outlines_created
    if verbosity >= 1 and created_any:
        stdout = kwargs.get("stdout") or sys.stdout
        created = ", ".join(created_any)
        stdout.write(f"  Catalogue loaded: {created}\n")
