#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL database:
# installs Debian's postgresql if missing, starts the cluster if it is down, creates a
# role and a database, exports DATABASE_URL, runs "$@", and drops the database.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  bash "$(dirname "$0")/system-deps.sh"
fi
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else sudo -u postgres bash -c "$*"; fi
}
VER=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main"' | grep -q .; then
  if [ "$(id -u)" -eq 0 ]; then pg_createcluster "$VER" main >/dev/null; else sudo pg_createcluster "$VER" main >/dev/null; fi
fi
if ! pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $4}' | grep -q online; then
  if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$VER" main start; else sudo pg_ctlcluster "$VER" main start; fi
fi
PORT=$(pg_lsclusters -h | awk -v v="$VER" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  as_postgres "pg_isready -q -p $PORT" && break
  sleep 1
done
DB="chiso_ci_$$"
as_postgres "psql -p $PORT -v ON_ERROR_STOP=1 -q" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chiso_ci') THEN
    CREATE ROLE chiso_ci LOGIN PASSWORD 'chiso_ci' CREATEDB;
  END IF;
END \$\$;
CREATE DATABASE $DB OWNER chiso_ci;
SQL
cleanup() {
  as_postgres "psql -p $PORT -q -c 'DROP DATABASE IF EXISTS $DB' ; \
    psql -p $PORT -qtA -c \"SELECT 'DROP DATABASE \\\"' || datname || '\\\";' FROM pg_database WHERE datname LIKE 'test_${DB}%'\" | psql -p $PORT -q" >/dev/null 2>&1 || true
}
trap cleanup EXIT
export DATABASE_URL="postgres://chiso_ci:chiso_ci@127.0.0.1:$PORT/$DB"
echo "PostgreSQL $VER: $DB"
"$@"
