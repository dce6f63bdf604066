#!/usr/bin/env bash
# The chart against a real Kubernetes API server (issue 19), `npm run check:cluster`:
#   1. builds (once, cached under .local/tools/kube-<version>/) kube-apiserver and kubectl from the
#      pinned k8s.io/kubernetes module, installs etcd (Debian etcd-server, apt-get when missing) and
#      downloads the real CRDs: Prometheus Operator's ServiceMonitor/PrometheusRule (its Go module)
#      and Strimzi's KafkaTopic (a Maven Central jar), pinned and checked against SHA-256 sums below;
#   2. starts etcd and kube-apiserver on 127.0.0.1 (certificates and a client certificate made
#      with openssl), installs the CRDs, creates a namespace enforcing Pod Security `restricted`;
#   3. `kubectl apply --dry-run=server` of every helm/rapport/ci/*.yaml value set (any warning
#      fails); every *.invalid value set must fail (at `helm template` or at the server); every
#      *.cluster-invalid set (one the offline checks accept by design, e.g. a Pod Security
#      violation the values schema cannot see) must render and be refused by the server with the
#      text of its `# expect-error:` line;
#   4. creates the default value set for real: pre-install hooks in Helm's order (hook-weight,
#      kind, name; none may use an object the chart creates later), then the rest in Helm's kind
#      order; a Pod from each Job's and Deployment's template through Pod Security enforce; reads
#      every object back and compares it with the rendering (every rendered field); deletes it all;
#   5. on success writes deploy/helm/cluster-check.stamp (hash of helm/ and deploy/helm/), which
#      deploy/helm/check.sh compares to decide whether `npm test` must rerun this check.
# Stops everything it started (trap on EXIT). `--tools-only` builds/installs the tools and stops;
# `--tree-hash` prints the hash the stamp records; `--tools-present` exits 0 when nothing needs building.
# Environment: KUBE_BUILD_PARALLELISM (go build -p, default: number of cores), HELM_BIN,
# KEEP_CLUSTER_DIR=1 (keep .local/cluster-check.*: certificates, logs, rendered manifests),
# CLUSTER_INSTALL_VALUES (the value set step 4 installs; default helm/rapport/ci/default-values.yaml).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chart="$root/helm/rapport"
tools="$root/.local/tools"
KUBERNETES_VERSION=v1.34.0
# k8s.io/kubernetes's go.mod replaces its staging modules with ./staging/...; a module that
# requires it must replace each with its published release, v0.<minor>.<patch>.
STAGING_VERSION=v0.34.0
STAGING_MODULES=(api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
  cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
  csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
  kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
  pod-security-admission sample-apiserver sample-cli-plugin sample-controller)
kube_dir="$tools/kube-$KUBERNETES_VERSION"

# The hash of helm/ and deploy/helm/ recorded in deploy/helm/cluster-check.stamp by a passing run.
tree_hash() {
  (cd "$root" && find helm deploy/helm -type f ! -name cluster-check.stamp ! -name '*.pyc' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
if [[ "${1:-}" == --tree-hash ]]; then tree_hash; exit 0; fi

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'check-cluster.sh: %s\n' "$*" >&2; exit 1; }

kube_built() {
  [[ -x "$kube_dir/kube-apiserver" && -x "$kube_dir/kubectl" ]] &&
    [[ "$("$kube_dir/kube-apiserver" --version 2>/dev/null)" == "Kubernetes $KUBERNETES_VERSION" ]] &&
    [[ "$("$kube_dir/kubectl" version --client 2>/dev/null)" == *"Client Version: $KUBERNETES_VERSION"* ]]
}

ensure_kube() {
  kube_built && return
  command -v go >/dev/null 2>&1 || die "kube-apiserver $KUBERNETES_VERSION is missing and 'go' is not on PATH to build it (Go 1.24+)"
  local parallelism="${KUBE_BUILD_PARALLELISM:-$(nproc)}" staging m t0=$SECONDS
  step "building kube-apiserver and kubectl $KUBERNETES_VERSION with $(go version | cut -d' ' -f3) (go build -p $parallelism; ~5+ minutes, once)"
  staging="$(mktemp -d "${TMPDIR:-/tmp}/kube-build.XXXXXX")"
  {
    echo "module rapport.local/kube-tools"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    echo
    echo "replace ("
    for m in "${STAGING_MODULES[@]}"; do echo "	k8s.io/$m => k8s.io/$m $STAGING_VERSION"; done
    echo ")"
  } >"$staging/go.mod"
  local ver="${KUBERNETES_VERSION#v}" ldflags
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=${ver%%.*} -X $pkg.gitMinor=$(cut -d. -f2 <<<"$ver")"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$staging" && GOFLAGS='-buildvcs=false -mod=mod' GOMAXPROCS="$parallelism" \
    go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" "k8s.io/kubernetes/cmd/kubectl@$KUBERNETES_VERSION" &&
    echo "  modules downloaded in $((SECONDS - t0))s" &&
    GOFLAGS='-buildvcs=false -mod=mod' GOMAXPROCS="$parallelism" CGO_ENABLED=0 \
    go build -p "$parallelism" -trimpath -ldflags "$ldflags" -o "$staging/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl) ||
    { rm -rf "$staging"; die "building kube-apiserver/kubectl failed"; }
  mkdir -p "$kube_dir"
  mv "$staging/bin/kube-apiserver" "$staging/bin/kubectl" "$kube_dir/"
  rm -rf "$staging"
  kube_built || die "the built binaries do not report $KUBERNETES_VERSION"
  echo "  built $kube_dir/{kube-apiserver,kubectl} in $((SECONDS - t0))s"
}


# etcd: Debian's etcd-server package (the API server's only dependency).
ensure_etcd() {
  etcd_bin="$(command -v etcd || true)"
  [[ -z "$etcd_bin" && -x /usr/bin/etcd ]] && etcd_bin=/usr/bin/etcd
  [[ -n "$etcd_bin" ]] && return
  command -v apt-get >/dev/null 2>&1 || die "etcd is missing; install it (Debian/Ubuntu: apt-get install etcd-server)"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
  step "installing etcd (apt-get install etcd-server)"
  # policy-rc.d 101: the package must not start its own etcd service on the default ports.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null && "${sudo[@]}" chmod +x "$policy" && created_policy=1
  fi
  { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends etcd-server >/dev/null; } ||
    { [[ $created_policy -eq 1 ]] && "${sudo[@]}" rm -f "$policy"; die "apt-get install etcd-server failed"; }
  [[ $created_policy -eq 1 ]] && "${sudo[@]}" rm -f "$policy"
  etcd_bin="$(command -v etcd || echo /usr/bin/etcd)"
  [[ -x "$etcd_bin" ]] || die "etcd-server installed but no etcd binary found"
}

# The real CRDs, from the projects' own published artifacts, pinned and checksummed.
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator
PROMETHEUS_OPERATOR_VERSION=v0.85.0
PROMETHEUS_OPERATOR_MODULE_SUM='h1:M5xLCLEoaW2IJfnuCwFzzpL+jSVQu3KGT84Pye+fW8s='
SERVICEMONITOR_CRD_SHA256=1dae27b7189b5ce7b9ab764656c18b4c75a45cde1e6f3af6a5e84c4317628919
PROMETHEUSRULE_CRD_SHA256=98fd16c9ab79fba8dcd6ef62c957c98cd6546ab74ce0a4ecf09ddf2fda03020e
# Strimzi publishes its generated CRDs in the api module's test jar (crds/v1beta2/: served versions
# v1alpha1, v1beta1, v1beta2 (storage) and v1; the same generation as packaging/install/cluster-operator).
STRIMZI_VERSION=0.49.1
STRIMZI_API_TESTS_JAR_SHA256=b41d4ea4b51507ea7811a95afdcdde5b814a1cee1455e021c3e89ee092655c38
KAFKATOPIC_CRD_SHA256=fd069481630292533492221a8f9e57c353b46edc40c6301a05fa6a522ab0d4a6
MAVEN_REPOSITORY="${MAVEN_REPOSITORY:-https://repo1.maven.org/maven2}"
crd_dir="$tools/crds-prometheus-operator-$PROMETHEUS_OPERATOR_VERSION-strimzi-$STRIMZI_VERSION"

verify_sha256() { # file expected
  local actual
  actual="$(sha256sum "$1" | cut -d' ' -f1)"
  [[ "$actual" == "$2" ]] || die "checksum mismatch for $1: expected $2, got $actual"
}

ensure_crds() {
  if [[ -f "$crd_dir/.verified" ]]; then
    verify_sha256 "$crd_dir/servicemonitors.yaml" "$SERVICEMONITOR_CRD_SHA256"
    verify_sha256 "$crd_dir/prometheusrules.yaml" "$PROMETHEUSRULE_CRD_SHA256"
    verify_sha256 "$crd_dir/kafkatopics.yaml" "$KAFKATOPIC_CRD_SHA256"
    return
  fi
  step "downloading the CRDs: $PROMETHEUS_OPERATOR_MODULE@$PROMETHEUS_OPERATOR_VERSION (Go module proxy), io.strimzi:api:$STRIMZI_VERSION:tests (Maven Central)"
  rm -rf "$crd_dir"
  mkdir -p "$crd_dir"
  local json dir sum jar
  json="$(cd "$crd_dir" && GOFLAGS=-mod=mod go mod download -json "$PROMETHEUS_OPERATOR_MODULE@$PROMETHEUS_OPERATOR_VERSION")" ||
    die "go mod download $PROMETHEUS_OPERATOR_MODULE@$PROMETHEUS_OPERATOR_VERSION failed"
  sum="$(sed -n 's/^[[:space:]]*"Sum": "\(.*\)",*$/\1/p' <<<"$json")"
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' <<<"$json")"
  [[ "$sum" == "$PROMETHEUS_OPERATOR_MODULE_SUM" ]] || die "module sum of $PROMETHEUS_OPERATOR_MODULE@$PROMETHEUS_OPERATOR_VERSION is $sum, expected $PROMETHEUS_OPERATOR_MODULE_SUM"
  cp "$dir/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml" "$crd_dir/servicemonitors.yaml"
  cp "$dir/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml" "$crd_dir/prometheusrules.yaml"
  chmod u+w "$crd_dir"/*.yaml
  jar="$crd_dir/api-$STRIMZI_VERSION-tests.jar"
  curl -fsSL --retry 3 -o "$jar" "$MAVEN_REPOSITORY/io/strimzi/api/$STRIMZI_VERSION/api-$STRIMZI_VERSION-tests.jar" ||
    die "downloading io.strimzi:api:$STRIMZI_VERSION:tests from $MAVEN_REPOSITORY failed"
  verify_sha256 "$jar" "$STRIMZI_API_TESTS_JAR_SHA256"
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("crds/v1beta2/043-Crd-kafkatopic.yaml"))' \
    "$jar" >"$crd_dir/kafkatopics.yaml"
  rm -f "$jar"
  verify_sha256 "$crd_dir/servicemonitors.yaml" "$SERVICEMONITOR_CRD_SHA256"
  verify_sha256 "$crd_dir/prometheusrules.yaml" "$PROMETHEUSRULE_CRD_SHA256"
  verify_sha256 "$crd_dir/kafkatopics.yaml" "$KAFKATOPIC_CRD_SHA256"
  touch "$crd_dir/.verified"
}

# Helm and the Python venv (PyYAML) come from check.sh, which builds/installs them when missing.
ensure_helm_and_venv() {
  bash "$root/deploy/helm/check.sh" --tools-only || die "deploy/helm/check.sh --tools-only failed"
  helm="${HELM_BIN:-$tools/bin/helm}"
  python="$tools/venv/bin/python"
}

if [[ "${1:-}" == --tools-present ]]; then # for check.sh: is everything here already (no build, no download)?
  kube_built && [[ -f "$crd_dir/.verified" ]] && { command -v etcd >/dev/null 2>&1 || [[ -x /usr/bin/etcd ]]; }
  exit
fi
ensure_kube
ensure_etcd
ensure_crds
ensure_helm_and_venv
if [[ "${1:-}" == --tools-only ]]; then
  echo "tools ready: $kube_dir/kube-apiserver, $kube_dir/kubectl, $etcd_bin, $crd_dir, $helm"
  exit 0
fi

passed=0
failed=0
started=$SECONDS
ok() { passed=$((passed + 1)); printf '  ok   %s\n' "$*"; }
ko() { failed=$((failed + 1)); printf '  FAIL %s\n' "$*" >&2; }

work="$(mktemp -d "$root/.local/cluster-check.XXXXXX")"
pids=()
cleanup() {
  local rc=$? pid i
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ "${KEEP_CLUSTER_DIR:-0}" == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "certificates (openssl): a CA, the API server's serving certificate, an admin client certificate"
certs="$work/certs"
mkdir -p "$certs"
(
  cd "$certs"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=rapport-check-ca
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=kube-apiserver
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext -out server.crt
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj '/O=system:masters/CN=rapport-check'
  printf 'extendedKeyUsage=clientAuth\n' >admin.ext
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile admin.ext -out admin.crt
  openssl genrsa -out sa.key 2048
  openssl rsa -in sa.key -pubout -out sa.pub
) >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; die "openssl failed"; }

etcd_port="$(free_port)"
etcd_peer_port="$(free_port)"
api_port="$(free_port)"
step "starting etcd ($("$etcd_bin" --version | head -1)) on 127.0.0.1:$etcd_port"
"$etcd_bin" --name check --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "check=http://127.0.0.1:$etcd_peer_port" >"$work/etcd.log" 2>&1 &
pids+=($!)
for i in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$etcd_port/health" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { tail -20 "$work/etcd.log" >&2; die "etcd exited"; }
  [[ $i -lt 100 ]] || { tail -20 "$work/etcd.log" >&2; die "etcd did not become healthy in 20s"; }
  sleep 0.2
done

step "starting kube-apiserver $KUBERNETES_VERSION on https://127.0.0.1:$api_port (admission: defaults, incl. PodSecurity)"
t0=$SECONDS
"$kube_dir/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --tls-cert-file="$certs/server.crt" --tls-private-key-file="$certs/server.key" --client-ca-file="$certs/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$certs/sa.pub" --service-account-signing-key-file="$certs/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 --authorization-mode=RBAC --profiling=false \
  >"$work/kube-apiserver.log" 2>&1 &
pids+=($!)
export KUBECONFIG="$work/kubeconfig"
kubectl="$kube_dir/kubectl"
"$kubectl" config set-cluster check --server="https://127.0.0.1:$api_port" --certificate-authority="$certs/ca.crt" --embed-certs >/dev/null
"$kubectl" config set-credentials admin --client-certificate="$certs/admin.crt" --client-key="$certs/admin.key" --embed-certs >/dev/null
"$kubectl" config set-context check --cluster=check --user=admin --namespace=rapport >/dev/null
"$kubectl" config use-context check >/dev/null
for i in $(seq 1 240); do
  [[ "$("$kubectl" get --raw /readyz 2>/dev/null)" == ok ]] && break
  kill -0 "${pids[1]}" 2>/dev/null || { tail -30 "$work/kube-apiserver.log" >&2; die "kube-apiserver exited"; }
  [[ $i -lt 240 ]] || { tail -30 "$work/kube-apiserver.log" >&2; die "kube-apiserver not ready in 120s"; }
  sleep 0.5
done
echo "  ready in $((SECONDS - t0))s: $("$kubectl" version 2>/dev/null | tr '\n' ' ')"
k() { "$kubectl" --request-timeout=60s "$@"; }

step "the real CRDs, then a namespace enforcing Pod Security restricted"
if k apply --server-side -f "$crd_dir/servicemonitors.yaml" -f "$crd_dir/prometheusrules.yaml" -f "$crd_dir/kafkatopics.yaml" &&
  k wait --for condition=Established --timeout=60s crd/servicemonitors.monitoring.coreos.com \
    crd/prometheusrules.monitoring.coreos.com crd/kafkatopics.kafka.strimzi.io >/dev/null; then
  ok "CRDs established: ServiceMonitor, PrometheusRule (prometheus-operator $PROMETHEUS_OPERATOR_VERSION), KafkaTopic (Strimzi $STRIMZI_VERSION)"
else
  die "installing the CRDs failed"
fi
k create namespace rapport >/dev/null
k label namespace rapport pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted \
  pod-security.kubernetes.io/audit=restricted >/dev/null
ok "namespace rapport: pod-security.kubernetes.io/enforce=restricted (warn and audit too)"

# Objects that name another namespace (kafka.strimzi.namespace: the KafkaTopics live with the Kafka
# cluster) need it to exist, as in a real cluster; it is labelled restricted as well.
ensure_namespaces() { # manifest
  sed -n 's/^  namespace: *"\{0,1\}\([a-z0-9-]*\)"\{0,1\} *$/\1/p' "$1" | sort -u | while read -r ns; do
    k get namespace "$ns" >/dev/null 2>&1 && continue
    k create namespace "$ns" >/dev/null
    k label namespace "$ns" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted \
      pod-security.kubernetes.io/audit=restricted >/dev/null
    echo "  created namespace $ns (restricted), named by objects in $(basename "$1")"
  done
}

render() { # values output: helm template as the install would (the server's version)
  "$helm" template rapport "$chart" --namespace rapport --kube-version "$KUBERNETES_VERSION" -f "$1" >"$2" 2>"$2.err"
}

# Server-side dry-run; warnings are failures (--warnings-as-errors, and any 'Warning:' line).
dry_run() { # manifest log
  local rc=0
  ensure_namespaces "$1"
  k --warnings-as-errors apply --dry-run=server -f "$1" >"$2" 2>&1 || rc=$?
  if grep -q '^Warning:' "$2" && [[ $rc -eq 0 ]]; then rc=1; fi
  return "$rc"
}

step "server-side dry-run of every value set in helm/rapport/ci (namespace enforcing restricted)"
shopt -s nullglob
summary=()
for values in "$chart"/ci/*.yaml; do
  name="$(basename "$values" .yaml)"
  if ! render "$values" "$work/$name.yaml"; then
    ko "helm template ($name)"; cat "$work/$name.yaml.err" >&2; continue
  fi
  objects="$(grep -c '^kind:' "$work/$name.yaml")"
  if dry_run "$work/$name.yaml" "$work/$name.log"; then
    accepted="$(grep -c '(server dry run)$' "$work/$name.log" || true)"
    if [[ "$accepted" == "$objects" ]]; then
      ok "$name: $accepted/$objects objects accepted, no warning"
      summary+=("$name=$accepted")
    else
      ko "$name: $accepted of $objects objects reported accepted"; cat "$work/$name.log" >&2
    fi
  else
    ko "$name: refused by the API server"; grep -v '(server dry run)$' "$work/$name.log" >&2
  fi
done

step "invalid value sets must be refused: *.invalid (by helm template or the server), *.cluster-invalid (by the server)"
for values in "$chart"/ci/*.invalid "$chart"/ci/*.cluster-invalid; do
  name="$(basename "$values")"
  expected="$(sed -n 's/^# expect-error: //p' "$values" | head -1)"
  if ! render "$values" "$work/$name.rendered"; then
    if [[ "$name" == *.cluster-invalid ]]; then
      # These are the sets the offline checks accept by design: the API server must be what refuses them.
      ko "$name must render (the API server is to refuse it), but helm template failed:"; cat "$work/$name.rendered.err" >&2
    else
      ok "$name: refused by helm template"
    fi
    continue
  fi
  if dry_run "$work/$name.rendered" "$work/$name.log"; then
    ko "$name: accepted by the API server, must be refused"
  elif [[ -n "$expected" ]] && ! grep -qF -- "$expected" "$work/$name.log"; then
    ko "$name: refused, but without the expected error '$expected':"; grep -v '(server dry run)$' "$work/$name.log" >&2
  else
    ok "$name: refused by the API server: $(grep -m1 -v '(server dry run)$' "$work/$name.log" | cut -c1-160)"
  fi
done

install_values="${CLUSTER_INSTALL_VALUES:-$chart/ci/default-values.yaml}"
step "install $(basename "$install_values") for real, in Helm's order; read it back; delete it"
plan="$work/install"
render "$install_values" "$work/install.yaml" || { cat "$work/install.yaml.err" >&2; die "helm template of $install_values failed"; }
if "$python" "$root/deploy/helm/cluster-objects.py" plan "$work/install.yaml" "$plan"; then
  ok "pre-install hooks only use what earlier hooks create or what must pre-exist"
else
  ko "hook order"
fi
pods="$work/pods"
mkdir -p "$pods"
pod_check() { # object-file: a Pod from its (read back) template through Pod Security enforce
  local name rc=0
  { printf '{"items": ['; k get -f "$1" -o json; printf ']}'; } >"$pods/current.json" &&
    "$python" "$root/deploy/helm/cluster-objects.py" pods "$pods/current.json" "$pods" >/dev/null || return 1
  for pod in "$pods"/*.pod.json; do
    name="$(basename "$pod" .pod.json)"
    if k --warnings-as-errors create --dry-run=server -n rapport -f "$pod" >"$pods/$name.log" 2>&1; then
      ok "pod of $name admitted (Pod Security restricted enforced, service account present)"
    else
      ko "pod of $name refused:"; cat "$pods/$name.log" >&2; rc=1
    fi
    rm -f "$pod"
  done
  return "$rc"
}
created=0
install_failed=0
while IFS=$'\t' read -r file phase weight kind name; do
  # A warning fails the step, though the object is created (and its pods checked below all the same).
  if k --warnings-as-errors create -f "$plan/$file" >"$work/create.log" 2>&1; then
    created=$((created + 1))
  else
    ko "create $kind/$name ($phase, weight $weight)"; cat "$work/create.log" >&2; install_failed=1
  fi
  # A hook Job's pod must be admissible the moment Helm creates the Job (its service account exists).
  if [[ "$phase" == pre-install && "$kind" == Job ]]; then pod_check "$plan/$file" || install_failed=1; fi
done <"$plan/plan.tsv"
hooks_order="$(awk -F'\t' '$2 != "main" {printf "%s%s/%s(%s)", sep, $4, $5, $3; sep=" < "}' "$plan/plan.tsv")"
[[ $install_failed -eq 0 ]] && ok "created $created objects in Helm's order; hooks: $hooks_order"
for file in "$plan"/*-main-Deployment-*.json; do pod_check "$file" || true; done
if k get -f "$plan" -o json >"$work/readback.json" 2>"$work/readback.err" &&
  "$python" "$root/deploy/helm/cluster-objects.py" compare "$plan" "$work/readback.json"; then
  ok "every object read back as rendered (kinds, names, labels, annotations, specs)"
else
  ko "objects read back differ from the rendering"; cat "$work/readback.err" >&2
fi
if k delete -f "$plan" --wait=false >/dev/null 2>&1 && [[ -z "$(k get -f "$plan" --ignore-not-found -o name 2>/dev/null)" ]]; then
  ok "deleted all $(wc -l <"$plan/plan.tsv") objects; none left"
else
  ko "deleting the installed objects"
fi

printf '\ncluster check finished in %ss (object counts accepted: %s)\n' "$((SECONDS - started))" "${summary[*]}"
echo "cluster-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]] || exit 1
[[ -z "${CLUSTER_INSTALL_VALUES:-}" ]] || exit 0 # the stamp records runs of the standard check only
tree_hash >"$root/deploy/helm/cluster-check.stamp"
echo "wrote deploy/helm/cluster-check.stamp ($(cat "$root/deploy/helm/cluster-check.stamp"))"
