#!/usr/bin/env bash
# Real PostgreSQL and RabbitMQ servers for tests, on Debian 12 as root without
# systemd (containers, CI): services are started and stopped by hand.
#
# Usage: scripts/infra.sh install|start|stop|urls
#   eval "$(scripts/infra.sh urls | sed 's/^/export /')"
set -euo pipefail

PG_PORT=5432
AMQP_PORT=5672
WAIT_SECS=${INFRA_WAIT_SECS:-60}

die() { echo "infra: error: $*" >&2; exit 1; }

# Runs a command silently, showing its output only if it fails.
quiet() {
  local out
  out=$("$@" 2>&1) || { echo "$out" >&2; die "failed: $*"; }
}

# wait_for DEADLINE ERROR CMD...: retries CMD until it succeeds, dies at DEADLINE.
wait_for() {
  local deadline=$1 error=$2
  shift 2
  until "$@"; do
    ((SECONDS < deadline)) || die "$error"
    sleep 0.5
  done
}

cmd_install() {
  local missing=() pkg
  # chromium: the browser the end-to-end tests drive (tests/e2e). The deployment's tests
  # (tests/deploy): nginx for the front, podman with runc and mmdebstrap to build the image
  # from Debian's packages and run it, and prometheus for promtool. fonts-droid-fallback:
  # the CJK font the reports' PDF embeds (services/reports).
  for pkg in postgresql rabbitmq-server chromium nginx podman runc mmdebstrap uidmap prometheus \
    fonts-droid-fallback; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  if ! command -v uv >/dev/null && ! command -v pip >/dev/null; then
    missing+=(python3-pip)
  fi
  # kubectl renders the Kubernetes manifests (kubectl kustomize). Debian's is the fallback,
  # but its kustomize (v2) predates what the manifests use: kubectl 1.27 or later (kustomize
  # v5) is needed, and the check after the install says so when it is older.
  command -v kubectl >/dev/null || missing+=(kubernetes-client)
  if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    quiet apt-get update
    quiet apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  # PIP_BREAK_SYSTEM_PACKAGES: Debian's own pip refuses system-wide installs (PEP 668).
  command -v uv >/dev/null || PIP_BREAK_SYSTEM_PACKAGES=1 quiet pip install uv
  kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v[5-9]' ||
    echo "warning: kubectl $(kubectl version --client 2>/dev/null | head -n1) cannot render" \
      "deploy/k8s: install kubectl 1.27 or later (https://kubernetes.io/docs/tasks/tools/)" >&2
}

# --- PostgreSQL -------------------------------------------------------------

# Prints "<version> <name> <status>" of the cluster on $PG_PORT, if any.
pg_cluster() {
  pg_lsclusters -h 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1, $2, $4; exit}'
}

pg_start() {
  local ver name status
  read -r ver name status <<<"$(pg_cluster)" || true
  if [[ -z ${ver:-} ]]; then
    ver=$(ls /usr/lib/postgresql | sort -n | tail -n1)
    [[ -n $ver ]] || die "postgresql is not installed (run: $0 install)"
    name=main status=down
    pg_createcluster -p "$PG_PORT" "$ver" "$name" >/dev/null
  fi
  [[ $status == online* ]] || pg_ctlcluster "$ver" "$name" start

  wait_for $((SECONDS + WAIT_SECS)) \
    "postgresql not accepting connections on 127.0.0.1:$PG_PORT after ${WAIT_SECS}s (see /var/log/postgresql/postgresql-$ver-$name.log)" \
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT"

  # Runs from / so that psql, as postgres, can access its working directory.
  (cd / && runuser -u postgres -- psql -p "$PG_PORT" -qX -v ON_ERROR_STOP=1 >/dev/null) <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'runnerly') THEN
    CREATE ROLE runnerly;
  END IF;
END $$;
ALTER ROLE runnerly WITH LOGIN CREATEDB PASSWORD 'runnerly';
-- Dropping a test database WITH (FORCE) ends the sessions still in it.
GRANT pg_signal_backend TO runnerly;
SQL
  echo "postgresql: ready on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  local ver name status
  read -r ver name status <<<"$(pg_cluster)" || true
  if [[ ${status:-} == online* ]]; then
    pg_ctlcluster "$ver" "$name" stop
  fi
  echo "postgresql: stopped"
}

# --- RabbitMQ ---------------------------------------------------------------

# Asking epmd is instant, whereas any rabbitmqctl call boots an Erlang VM.
rabbit_running() { epmd -names 2>/dev/null | grep -q '^name rabbit '; }
rabbit_stopped() { ! rabbit_running; }

rabbit_start() {
  command -v rabbitmq-server >/dev/null || die "rabbitmq-server is not installed (run: $0 install)"
  # The Debian wrapper switches to the rabbitmq user when run as root.
  rabbit_running || rabbitmq-server -detached
  # await_startup fails at once until the node has registered with epmd.
  local deadline=$((SECONDS + WAIT_SECS)) error="rabbitmq not started after ${WAIT_SECS}s (see /var/log/rabbitmq/)"
  wait_for "$deadline" "$error" rabbit_running
  timeout $((deadline - SECONDS + 1)) rabbitmqctl -q await_startup >/dev/null 2>&1 || die "$error"
  echo "rabbitmq: ready on 127.0.0.1:$AMQP_PORT"
}

rabbit_stop() {
  if rabbit_running; then
    rabbitmqctl -q stop >/dev/null
    wait_for $((SECONDS + WAIT_SECS)) "rabbitmq still running after ${WAIT_SECS}s" rabbit_stopped
  fi
  echo "rabbitmq: stopped"
}

# --- Commands ---------------------------------------------------------------

cmd_urls() {
  echo "RUNNERLY_TEST_POSTGRES_URL=postgresql+psycopg://runnerly:runnerly@127.0.0.1:$PG_PORT/postgres"
  echo "RUNNERLY_TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT//"
}

case "${1:-}" in
  install) cmd_install ;;
  start) pg_start; rabbit_start ;;
  stop) pg_stop; rabbit_stop ;;
  urls) cmd_urls ;;
  *) echo "usage: $0 install|start|stop|urls" >&2; exit 2 ;;
esac
