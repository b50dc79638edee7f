#!/bin/bash
# End-to-end reproduction from an empty database:
# schema (synchronize) -> reference data (Admin API) -> catalogue+stock (SQL) -> order at a named location
# -> single-use coupon -> per-location stock query. Stops the server at the end.
set -euo pipefail
cd "$(dirname "$0")"
export PGHOST=127.0.0.1 PGUSER=postgres DB=vendure_peer_scratch
N_LOC=${N_LOC:-3}; N_VAR=${N_VAR:-10}
psql -q -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
./start.sh server.log
trap 'kill -TERM $(cat server.pid) 2>/dev/null || true' EXIT
node setup-admin.js "$N_LOC" > setup.out && echo "reference data created"
psql -q -d $DB -v n_loc=$N_LOC -v n_var=$N_VAR -v vpp=5 -v prefix=SQL -v stock=50 -f load-sql.sql | tail -3
node place-order.js SQL-3 "Store 002" 2
node create-coupon.js ONCE-0001 10
EMAIL=a@example.com node place-order.js SQL-4 "Store 001" 1 ONCE-0001
EMAIL=b@example.com node place-order.js SQL-4 "Store 001" 1 ONCE-0001 || echo "(second use refused, as expected)"
node stock-query.js SQL-3 --bearer
./order-curl.sh "$(psql -d $DB -Atc "select id from product_variant where sku='SQL-3'")" "Store 003" 1
node stock-query.js SQL-3
ps -o pid,rss,etime,cmd -p "$(cat server.pid)"
