#!/usr/bin/env bash
# Builds the images the Containerfile starts from where no registry is reachable, from
# Debian's packages only:
#   localhost/runnerly-base:bookworm   BASE_IMAGE: Debian bookworm (minbase) with Python 3.11
#   localhost/runnerly-node:20         NODE_IMAGE: that base with this machine's Node.js 20
# Each is skipped when it exists, unless --rebuild. Runs as root (mmdebstrap, podman).
#
# Usage: deploy/base-image.sh [--rebuild] [base|node|all]
set -euo pipefail

BASE_IMAGE=${RUNNERLY_BASE_IMAGE:-localhost/runnerly-base:bookworm}
NODE_IMAGE=${RUNNERLY_NODE_IMAGE:-localhost/runnerly-node:20}
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Python and what the services load at run time: the wheels of numpy/matplotlib/reportlab
# bundle their own libraries but for libstdc++ and libgcc (in minbase already, as apt needs
# them); matplotlib and reportlab ship the fonts the reports' chart and PDF use. tzdata for
# zoneinfo; python3-venv only so that a build stage can make a venv to install uv into;
# fonts-droid-fallback, the TrueType CJK font the report's PDF embeds.
PACKAGES=python3,python3-venv,ca-certificates,tzdata,fonts-droid-fallback

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# podman on these machines: see containers.conf for why.
export CONTAINERS_CONF=$(realpath "${CONTAINERS_CONF:-$here/containers.conf}")

die() { echo "base-image: error: $*" >&2; exit 1; }
exists() { podman image exists "$1"; }

build_base() {
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (apt-get install mmdebstrap)"
  # Documentation, man pages and locales are of no use in a container: left out of the
  # image as dpkg unpacks, apt's lists and caches removed once done. The merged-usr hook
  # lays out /usr as bookworm expects without the usrmerge package, which pulls in Perl
  # (55 MB).
  mmdebstrap --variant=minbase --include="$PACKAGES" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$SUITE" - "$MIRROR" \
    | podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'CMD ["python3"]' \
      - "$BASE_IMAGE" >/dev/null
  echo "base-image: built $BASE_IMAGE"
}

# The official node:20-slim image is Debian with Node.js in /usr/local; this is the same
# made of the base and the Node.js 20 installed here (the nodejs package of NodeSource or
# any install with node and npm side by side), so that the Containerfile's Node stage runs
# as written.
build_node() {
  exists "$BASE_IMAGE" || build_base
  local node npm_dir version context
  node=$(command -v node) || die "node is missing: install Node.js 20, or pass NODE_IMAGE"
  version=$("$node" --version)
  [[ $version == v20.* ]] || die "Node.js 20 is needed for $NODE_IMAGE, found $version"
  npm_dir=$(dirname "$(dirname "$(readlink -f "$node")")")/lib/node_modules/npm
  [[ -d $npm_dir ]] || die "npm not found next to $node (looked in $npm_dir)"
  context=$(mktemp -d)
  trap 'rm -rf "$context"' RETURN
  cp "$(readlink -f "$node")" "$context/node"
  cp -a "$npm_dir" "$context/npm"
  cat >"$context/Containerfile" <<CONTAINERFILE
FROM $BASE_IMAGE
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
CMD ["node"]
CONTAINERFILE
  podman build --quiet -t "$NODE_IMAGE" "$context" >/dev/null
  echo "base-image: built $NODE_IMAGE (Node.js $version)"
}

rebuild=false
if [[ ${1:-} == --rebuild ]]; then rebuild=true; shift; fi
what=${1:-all}
case "$what" in
  base | node | all) ;;
  *) echo "usage: $0 [--rebuild] [base|node|all]" >&2; exit 2 ;;
esac
if [[ $what != node ]] && { $rebuild || ! exists "$BASE_IMAGE"; }; then build_base; fi
if [[ $what != base ]] && { $rebuild || ! exists "$NODE_IMAGE"; }; then build_node; fi
