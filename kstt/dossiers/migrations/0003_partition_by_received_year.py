"""On PostgreSQL, the dossier table becomes PARTITIONED BY RANGE (received_on), one partition a year.

Why received_on: it is the day every form 06 query bounds (``received_on <= end``), it never changes
for a dossier in practice, and a year's partition holds that year's intake. A query for a period
skips every later year's partition at plan time; the earlier years' partitions hold only the few
dossiers still open at the period's start (carried over), which the ``finished_on`` index finds.

Partitions: one per year 2015–2040 (the one-stop mechanism dates from 2015) and a DEFAULT one for
any other day, so no write ever fails for want of a partition and nothing needs to create next
year's. An empty partition costs a few kilobytes and is pruned by the planner.

A partitioned table's unique constraints must include the partition key, so:
- the primary key is (id, received_on) in the database; Django keeps ``id`` as the model's pk (ids
  come from one identity sequence, so ``id`` alone is still unique, and get/save/delete by id work);
- the dossier's code is unique with its day, (code, received_on), which the feed's upsert uses as its
  conflict target; the code alone is kept unique across the partitions by a plain table,
  ``dossiers_dossier_code`` (code primary key → received_on), that statement triggers on the dossier
  table keep in step (insert, update, delete, truncate): a second dossier with a code already used
  on another day fails, as before, on that table's primary key. The feed moves a dossier whose
  received day changed before upserting it (dossiers.services).

Data, CHECK constraints, the foreign key to units and every index are carried over with their names.
Other engines (SQLite): nothing to do, the table stays as it was.
"""

import re

from django.db import migrations

TABLE = "dossiers_dossier"
OLD = "dossiers_dossier_unpartitioned"
CODES = "dossiers_dossier_code"
FIRST_YEAR, LAST_YEAR = 2015, 2040

TRIGGERS = f"""
CREATE FUNCTION {CODES}_inserted() RETURNS trigger AS $$
BEGIN
    INSERT INTO {CODES} (code, received_on) SELECT code, received_on FROM new_rows;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION {CODES}_updated() RETURNS trigger AS $$
BEGIN
    UPDATE {CODES} k SET code = n.code, received_on = n.received_on
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE k.code = o.code AND (n.code, n.received_on) IS DISTINCT FROM (o.code, o.received_on);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION {CODES}_deleted() RETURNS trigger AS $$
BEGIN
    DELETE FROM {CODES} k USING old_rows o WHERE k.code = o.code;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION {CODES}_truncated() RETURNS trigger AS $$
BEGIN
    TRUNCATE {CODES};
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {CODES}_inserted AFTER INSERT ON {TABLE}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {CODES}_inserted();
CREATE TRIGGER {CODES}_updated AFTER UPDATE ON {TABLE}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {CODES}_updated();
CREATE TRIGGER {CODES}_deleted AFTER DELETE ON {TABLE}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {CODES}_deleted();
CREATE TRIGGER {CODES}_truncated AFTER TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {CODES}_truncated();
"""
DROP_TRIGGERS = f"""
DROP TABLE IF EXISTS {CODES};
DROP FUNCTION IF EXISTS {CODES}_inserted(), {CODES}_updated(), {CODES}_deleted(), {CODES}_truncated() CASCADE;
"""


def _carried(cursor, table):
    """The foreign keys and the indexes (other than the primary key and unique ones) of ``table``,
    as statements naming it; they are created again on the new table under the same names."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    statements = [f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}" for name, definition in cursor.fetchall()]
    cursor.execute(
        """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT i.indisunique""",
        [table],
    )
    for (definition,) in cursor.fetchall():
        statements.append(re.sub(r" ON (ONLY )?\S+ USING ", f" ON {TABLE} USING ", definition, count=1))
    return statements


def _rebuild(schema_editor, *, partitioned):
    """Copy the table into a new one, partitioned or plain, with the same columns, data, CHECK
    constraints, foreign keys, indexes and identity sequence position."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        carried = _carried(cursor, OLD)
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)"
            + (" PARTITION BY RANGE (received_on)" if partitioned else "")
        )
        if partitioned:
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                cursor.execute(
                    f"CREATE TABLE {TABLE}_y{year} PARTITION OF {TABLE}"
                    f" FOR VALUES FROM ('{year}-01-01') TO ('{year + 1}-01-01')"
                )
            cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), COALESCE(max(id), 1), max(id) IS NOT NULL)"
            f" FROM {TABLE}"
        )
        if not partitioned:
            cursor.execute(DROP_TRIGGERS)
        cursor.execute(f"DROP TABLE {OLD}")
        if partitioned:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, received_on)")
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_code_day_key UNIQUE (code, received_on)")
            cursor.execute(
                f"CREATE TABLE {CODES} (code varchar(64) PRIMARY KEY, received_on date NOT NULL);"
                f"INSERT INTO {CODES} SELECT code, received_on FROM {TABLE}"
            )
            cursor.execute(TRIGGERS)
        else:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_code_key UNIQUE (code)")
        for statement in carried:
            cursor.execute(statement)


def partition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_dossier_finished_on_idx")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
