#!/usr/bin/env bash
# Fuzzes the public API with Schemathesis: every operation of the gateway's /api/openapi.json, all
# checks, all phases (examples, coverage, fuzzing and the stateful phase that chains operations
# through the document's links), with a bounded number of examples per operation.
#
#   deploy/fuzz/run.sh [--url http://127.0.0.1:3000] [--token JWT] [--max-examples 10] [extra `st run` options]
#   npm run fuzz -- --max-examples 100          # against a running `npm start`
#
# Without --token it asks the gateway's embedded OpenID provider for a token of the demo user
# `fuzzer` (an admin whose rate-limit bucket the local stack enlarges: RATE_LIMIT_OVERRIDES).
# Schemathesis (pinned) is installed on first use into a venv under .local/tools/, as
# deploy/helm/check.sh does for its PyPI tools. Reports (JUnit, NDJSON) go to .local/fuzz/.
# Exit status: Schemathesis' own (0 = no failure).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/.local/tools"
SCHEMATHESIS_VERSION=4.32.5
venv="$tools/fuzz-venv"

die() { printf 'fuzz: %s\n' "$*" >&2; exit 2; }

url=http://127.0.0.1:3000
token=
max_examples=10
seed=
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --url) url="${2:?--url needs a value}"; shift 2 ;;
    --url=*) url="${1#*=}"; shift ;;
    --token) token="${2:?--token needs a value}"; shift 2 ;;
    --token=*) token="${1#*=}"; shift ;;
    --max-examples|-n) max_examples="${2:?--max-examples needs a value}"; shift 2 ;;
    --max-examples=*) max_examples="${1#*=}"; shift ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    --seed=*) seed="${1#*=}"; shift ;;
    --tools-only) tools_only=1; shift ;;
    *) extra+=("$1"); shift ;;
  esac
done
url="${url%/}"

ensure_schemathesis() {
  local stamp="$venv/.installed-schemathesis$SCHEMATHESIS_VERSION"
  [[ -f "$stamp" && -x "$venv/bin/st" ]] && return
  command -v python3 >/dev/null 2>&1 || die "python3 (3.10+) is required to install Schemathesis"
  printf 'fuzz: installing schemathesis %s into %s\n' "$SCHEMATHESIS_VERSION" "$venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
    || die "pip install schemathesis==$SCHEMATHESIS_VERSION failed"
  touch "$stamp"
}

ensure_schemathesis
[[ -n "${tools_only:-}" ]] && exit 0

if [[ -z "$token" ]]; then
  token="$(curl -fsS -u rapport-cli:rapport-cli-secret \
    --data-urlencode 'grant_type=urn:rapport:params:oauth:grant-type:demo-user' --data-urlencode username=fuzzer \
    "$url/oidc/token" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')" \
    || die "no token from $url/oidc/token (is the stack running? or pass --token)"
fi

reports="$root/.local/fuzz"
mkdir -p "$reports"
args=(
  run "$url/api/openapi.json"
  --checks all
  --phases "examples,coverage,fuzzing,stateful"
  --max-examples "$max_examples"
  --header "Authorization: Bearer $token"
  # One worker: with two, Hypothesis' lambda-source cache (AST_LAMBDAS_CACHE, not thread-safe) races
  # and Schemathesis reports its KeyError as a failure of whatever operation it was generating for.
  --workers 1
  --request-timeout 30
  --report "junit,ndjson" --report-dir "$reports"
  --output-truncate false
)
[[ -n "$seed" ]] && args+=(--seed "$seed")
# Schemathesis keeps its example database (.schemathesis/) in the working directory: under .local/.
cd "$reports"
exec env SCHEMATHESIS_HOOKS="$root/deploy/fuzz/hooks.py" "$venv/bin/st" --config-file "$root/deploy/fuzz/schemathesis.toml" "${args[@]}" "${extra[@]}"
