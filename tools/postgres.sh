#!/usr/bin/env bash
# Starts the PostgreSQL that Debian's "postgresql" package installed (its
# default cluster, on 127.0.0.1:5432), makes a role and a database for
# TinyMMO's tests, and prints their URL: export it as TINYMMO_TEST_POSTGRES
# and the tests of the store and of the roles on PostgreSQL run too (the role
# may create databases: each such test makes its own).
#
#   export TINYMMO_TEST_POSTGRES=$(tools/postgres.sh)
#
# It installs the package first if it is missing (as root, with apt). Run it
# as root or as a user allowed to run commands as "postgres".
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi

cluster=$(pg_lsclusters --no-header | awk 'NR == 1 { print $1 " " $2 }')
if [ -z "$cluster" ]; then
  echo "postgres.sh: no PostgreSQL cluster; create one with pg_createcluster" >&2
  exit 1
fi
# shellcheck disable=SC2086 # version and name, two words
pg_ctlcluster $cluster start >/dev/null 2>&1 || true # "already running" is fine

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
psql_admin() { as_postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; }
for _ in $(seq 50); do
  as_postgres pg_isready -q -h 127.0.0.1 && break
  sleep 0.2
done

role=tinymmo_test
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  psql_admin -c "CREATE ROLE $role LOGIN PASSWORD '$role'"
fi
psql_admin -c "ALTER ROLE $role CREATEDB" # tests make databases of their own
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$role'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $role OWNER $role"
fi
echo "postgres://$role:$role@127.0.0.1:5432/$role?sslmode=disable"
