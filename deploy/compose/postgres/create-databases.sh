#!/bin/sh
# One database per Runnerly service, owned by the one role (POSTGRES_USER). The postgres
# image runs the scripts in /docker-entrypoint-initdb.d once, on an empty data volume.
set -eu
for database in $RUNNERLY_DATABASES; do
    echo "creating database $database"
    psql --variable=ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        --command "CREATE DATABASE \"$database\" OWNER \"$POSTGRES_USER\""
done
