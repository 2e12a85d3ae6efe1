#!/bin/sh
# One-shot: creates Temporal's two PostgreSQL databases when they are missing and brings both schemas to
# the version of the SQL tool's release. Safe to run at every start: setup-schema keeps a newer version,
# update-schema applies only what is missing. Run it with the SQL tool and schema of the server's version.
# Two callers, the same steps:
#   - docker-compose.yml, service temporal-schema (image temporalio/admin-tools): the defaults below;
#   - npm run test:production (test/production/cluster.ts): SQL_TOOL is the `sql` binary built from
#     go.temporal.io/server/cmd/tools/sql, SCHEMA_DIR the schema/postgresql/v12 of the same module.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is not set}"
: "${POSTGRES_USER:?POSTGRES_USER is not set}"
: "${SQL_PASSWORD:?SQL_PASSWORD (the PostgreSQL password) is not set}"
DB_PORT="${DB_PORT:-5432}"
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"
SQL_TOOL="${SQL_TOOL:-temporal-sql-tool}"

sql_tool() {
  # temporal-sql-tool reads the password from SQL_PASSWORD, so it never appears in the process list.
  "$SQL_TOOL" --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

for entry in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${entry%%:*}"
  schema="${entry#*:}"
  echo "Database $db ($schema schema)"
  # Fails when the database exists already (every start after the first); a real problem (wrong
  # password, host unreachable) makes setup-schema below fail too, and that one stops the script.
  sql_tool --db "$db" create || echo "  could not create $db; assuming it exists (the next step fails if it does not)"
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$SCHEMA_DIR/$schema/versioned"
done
echo 'Temporal schemas are up to date'
