#!/usr/bin/env bash
# The chart's alert rules under promtool (a step of deploy/helm/check.sh, also runnable alone):
#   1. builds promtool from github.com/prometheus/prometheus v0.316.0 (pinned by deploy/promtool/go.mod
#      and go.sum) with the Go toolchain into .local/tools/bin, once;
#   2. renders the chart with the HA value set (helm/rapport/ci/ha-values.yaml) and extracts the
#      PrometheusRule's groups into a Prometheus rules file;
#   3. `promtool check rules` on it, then `promtool test rules helm/rapport/test/alerts.test.yaml`
#      (synthetic series that fire and silence every alert);
#   4. checks that every alert has a runbook_url whose docs/runbooks/<alert>.md exists.
# `alerts-check.sh --tools-only` builds promtool and stops.
# Environment: HELM_BIN (default .local/tools/bin/helm, which check.sh builds), PYTHON (a python with
# PyYAML; default check.sh's venv), PROMTOOL_BUILD_PARALLELISM (go build -p; default 1, or nproc when CI=true).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chart="$root/helm/rapport"
tools="$root/.local/tools"
PROMETHEUS_VERSION=v0.316.0
promtool="$tools/bin/promtool-$PROMETHEUS_VERSION"

ensure_promtool() {
  [[ -x "$promtool" ]] && return
  command -v go >/dev/null 2>&1 || { echo "alerts-check.sh: promtool is missing and 'go' is not on PATH to build it (Go 1.26+)" >&2; exit 1; }
  # -p 1 on a shared developer machine; CI (CI=true) has the machine to itself.
  local parallelism t0=$SECONDS
  parallelism="${PROMTOOL_BUILD_PARALLELISM:-$([[ "${CI:-}" == true ]] && nproc || echo 1)}"
  echo "==> building promtool (prometheus $PROMETHEUS_VERSION) with $(go version | cut -d' ' -f3) (go build -p $parallelism; minutes, once)"
  mkdir -p "$tools/bin"
  (cd "$root/deploy/promtool" && GOMAXPROCS="$parallelism" GOFLAGS='-buildvcs=false' \
    go build -p "$parallelism" -trimpath -ldflags "-s -w" -o "$promtool.tmp" github.com/prometheus/prometheus/cmd/promtool) \
    || { rm -f "$promtool.tmp"; echo "alerts-check.sh: building promtool failed" >&2; exit 1; }
  mv "$promtool.tmp" "$promtool"
  echo "  built $promtool in $((SECONDS - t0))s"
}

ensure_promtool
[[ "${1:-}" == --tools-only ]] && { echo "tools ready: $promtool"; exit 0; }

helm="${HELM_BIN:-$tools/bin/helm}"
python="${PYTHON:-$tools/venv/bin/python}"
[[ -x "$helm" ]] || { echo "alerts-check.sh: no helm at $helm (deploy/helm/check.sh --tools-only builds it)" >&2; exit 1; }
out="$(mktemp -d "${TMPDIR:-/tmp}/alerts-check.XXXXXX")"
trap 'rm -rf "$out"' EXIT

"$helm" template rapport "$chart" --namespace rapport --kube-version 1.33.0 -f "$chart/ci/ha-values.yaml" >"$out/rendered.yaml"
"$python" - "$out/rendered.yaml" "$out/rules.yaml" "$root/docs/runbooks" <<'PY'
import os, sys, yaml
rendered, rules_file, runbooks = sys.argv[1:4]
rules = [d for d in yaml.safe_load_all(open(rendered)) if d and d.get("kind") == "PrometheusRule"]
if len(rules) != 1:
    sys.exit(f"expected one PrometheusRule in the HA rendering, found {len(rules)}")
groups = rules[0]["spec"]["groups"]
yaml.safe_dump({"groups": groups}, open(rules_file, "w"), sort_keys=False)
missing = []
for group in groups:
    for rule in group["rules"]:
        if "alert" not in rule:
            continue
        url = rule.get("annotations", {}).get("runbook_url", "")
        name = rule["alert"]
        if not url.endswith(f"/{name}.md") or not os.path.isfile(os.path.join(runbooks, f"{name}.md")):
            missing.append(f"{name} (runbook_url {url or 'missing'}, docs/runbooks/{name}.md)")
if missing:
    sys.exit("alerts without a runbook: " + "; ".join(missing))
print(f"  {sum(len(g['rules']) for g in groups)} rules extracted, each alert with its runbook")
PY
cp "$chart/test/alerts.test.yaml" "$out/alerts.test.yaml"
"$promtool" check rules "$out/rules.yaml"
"$promtool" test rules "$out/alerts.test.yaml"
