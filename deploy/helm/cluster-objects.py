"""Helpers of deploy/helm/check-cluster.sh (the chart against a real kube-apiserver).

    python cluster-objects.py plan RENDERED.yaml OUTDIR
        Splits a `helm template` rendering into one JSON file per object, in the order `helm install`
        creates them: pre-install hooks by helm.sh/hook-weight (then Helm's kind order, then name),
        then the release's resources in Helm's kind order, then post-install hooks. Writes
        OUTDIR/plan.tsv (file, phase, weight, kind, name) and checks statically that no pre-install
        hook uses a ConfigMap, Secret or ServiceAccount the chart creates only after it.
    python cluster-objects.py compare OUTDIR READBACK.json
        Compares every planned object with the one the API server stored (a `kubectl get -o json`
        List): same kinds and names, and every rendered field present with the same value
        (quantities and int-or-strings compared by value; empty rendered maps/lists may be absent).
    python cluster-objects.py pods READBACK.json OUTDIR
        Writes, for every Deployment and Job read back, a Pod with its pod template, so that a
        server-side dry-run create puts it through Pod Security admission in `enforce` mode
        (a namespace's enforce level applies to Pods; for workload templates it only warns).
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
from decimal import Decimal, InvalidOperation

import yaml

# helm.sh/helm/v3/pkg/releaseutil/kind_sorter.go, InstallOrder.
INSTALL_ORDER = [
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
    "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
    "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
    "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
]


def kind_rank(kind: str) -> int:
    return INSTALL_ORDER.index(kind) if kind in INSTALL_ORDER else len(INSTALL_ORDER)


def hook_phases(doc: dict) -> list[str]:
    hooks = (doc.get("metadata", {}).get("annotations") or {}).get("helm.sh/hook", "")
    return [h.strip() for h in hooks.split(",") if h.strip()]


def hook_weight(doc: dict) -> int:
    return int((doc.get("metadata", {}).get("annotations") or {}).get("helm.sh/hook-weight", "0"))


def key(doc: dict) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def pod_spec(doc: dict) -> dict | None:
    if doc["kind"] in ("Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet"):
        return doc["spec"]["template"]["spec"]
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def references(spec: dict) -> set[str]:
    """ConfigMaps, Secrets and the ServiceAccount a pod spec needs to exist (optional ones excluded)."""
    refs = {f"ServiceAccount/{spec.get('serviceAccountName') or 'default'}"}
    for volume in spec.get("volumes") or []:
        if "configMap" in volume and not volume["configMap"].get("optional"):
            refs.add(f"ConfigMap/{volume['configMap']['name']}")
        if "secret" in volume and not volume["secret"].get("optional"):
            refs.add(f"Secret/{volume['secret']['secretName']}")
        for source in (volume.get("projected") or {}).get("sources") or []:
            for kind, field in (("configMap", "ConfigMap"), ("secret", "Secret")):
                if kind in source and not source[kind].get("optional"):
                    refs.add(f"{field}/{source[kind]['name']}")
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for source in container.get("envFrom") or []:
            for kind, field in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                if kind in source and not source[kind].get("optional"):
                    refs.add(f"{field}/{source[kind]['name']}")
        for env in container.get("env") or []:
            value_from = env.get("valueFrom") or {}
            for kind, field in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                if kind in value_from and not value_from[kind].get("optional"):
                    refs.add(f"{field}/{value_from[kind]['name']}")
    return refs


def plan(rendered: pathlib.Path, outdir: pathlib.Path) -> int:
    docs = [d for d in yaml.safe_load_all(rendered.read_text()) if d]
    pre, main, post = [], [], []
    for doc in docs:
        phases = hook_phases(doc)
        if not phases:
            main.append(doc)
        elif "pre-install" in phases:
            pre.append(doc)
        elif "post-install" in phases:
            post.append(doc)
        # other hooks (test, pre-delete, upgrade-only...) are not part of an install
    order = lambda d: (hook_weight(d), kind_rank(d["kind"]), d["metadata"]["name"])  # noqa: E731
    pre.sort(key=order)
    post.sort(key=order)
    main.sort(key=lambda d: (kind_rank(d["kind"]), d["kind"], d["metadata"]["name"]))
    outdir.mkdir(parents=True, exist_ok=True)
    rows, failures = [], 0
    steps = [("pre-install", d) for d in pre] + [("main", d) for d in main] + [("post-install", d) for d in post]
    for i, (phase, doc) in enumerate(steps):
        name = f"{i:03d}-{phase}-{doc['kind']}-{doc['metadata']['name']}.json"
        (outdir / name).write_text(json.dumps(doc, indent=1))
        weight = hook_weight(doc) if phase != "main" else "-"
        rows.append(f"{name}\t{phase}\t{weight}\t{doc['kind']}\t{doc['metadata']['name']}")
    (outdir / "plan.tsv").write_text("\n".join(rows) + "\n")
    # Static order check: a pre-install hook runs (and Helm waits for its Job) before the release's
    # resources exist, so it may only use what an earlier or equal-weight hook creates, or what
    # the chart does not create at all (pre-existing Secrets such as kafka.sasl.existingSecret).
    created_by_chart = {key(d) for d in docs}
    external: set[str] = set()
    for i, (phase, doc) in enumerate(steps):
        spec = pod_spec(doc)
        if phase != "pre-install" or spec is None:
            continue
        available = {key(d) for p, d in steps[: i + 1] if p == "pre-install" and hook_weight(d) <= hook_weight(doc)}
        for ref in sorted(references(spec)):
            if ref in created_by_chart and ref not in available:
                print(f"FAIL hook {key(doc)} (weight {hook_weight(doc)}) uses {ref}, which Helm creates only after it")
                failures += 1
            elif ref not in created_by_chart:
                external.add(ref)
    if external:
        print(f"  pre-install hooks use, besides what earlier hooks create, only objects that must pre-exist: {', '.join(sorted(external))}")
    print(f"  plan: {len(pre)} pre-install hooks, {len(main)} resources, {len(post)} post-install hooks")
    return failures


QUANTITY = re.compile(r"^([+-]?[0-9.]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
SUFFIX = {None: 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": Decimal("1e-9"),
          "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}


def quantity(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = QUANTITY.match(str(value))
    if not match:
        return None
    try:
        return Decimal(match.group(1)) * SUFFIX[match.group(2)]
    except InvalidOperation:
        return None


def differences(rendered, stored, path: str) -> list[str]:
    if isinstance(rendered, dict):
        if not isinstance(stored, dict):
            return [f"{path}: rendered a map, stored {stored!r}"]
        out = []
        for k, v in rendered.items():
            if v is None or v == {} or v == []:
                if k in stored and stored[k] not in (None, {}, []):
                    out.append(f"{path}.{k}: rendered empty, stored {stored[k]!r}")
                continue
            if k not in stored:
                # The server omits zero values of omitempty fields (e.g. initialDelaySeconds: 0).
                if v in (0, False, "") and not isinstance(v, float):
                    continue
                out.append(f"{path}.{k}: missing from the stored object")
            else:
                out += differences(v, stored[k], f"{path}.{k}")
        return out
    if isinstance(rendered, list):
        if not isinstance(stored, list) or len(stored) != len(rendered):
            return [f"{path}: rendered {len(rendered)} items, stored {stored!r:.120}"]
        out = []
        for i, (r, s) in enumerate(zip(rendered, stored)):
            out += differences(r, s, f"{path}[{i}]")
        return out
    if rendered == stored or str(rendered) == str(stored):
        return []
    qr, qs = quantity(rendered), quantity(stored)
    if qr is not None and qr == qs:
        return []
    return [f"{path}: rendered {rendered!r}, stored {stored!r}"]


def compare(outdir: pathlib.Path, readback: pathlib.Path) -> int:
    stored = {key(item): item for item in json.loads(readback.read_text())["items"]}
    failures = 0
    planned = []
    for row in (outdir / "plan.tsv").read_text().splitlines():
        name = row.split("\t")[0]
        doc = json.loads((outdir / name).read_text())
        planned.append(key(doc))
        if key(doc) not in stored:
            print(f"FAIL {key(doc)}: not found on the server")
            failures += 1
            continue
        # Helm adds nothing the server would drop; compare everything rendered but the namespace.
        doc.get("metadata", {}).pop("namespace", None)
        diffs = differences(doc, stored[key(doc)], key(doc))
        for d in diffs:
            print(f"FAIL {d}")
        failures += 1 if diffs else 0
    extra = sorted(set(stored) - set(planned))
    for e in extra:
        print(f"FAIL {e}: on the server but not rendered")
    failures += len(extra)
    print(f"  compared {len(planned)} objects read back with their rendering: {failures} differ")
    return failures


def pods(readback: pathlib.Path, outdir: pathlib.Path) -> int:
    outdir.mkdir(parents=True, exist_ok=True)
    count = 0
    for item in json.loads(readback.read_text())["items"]:
        spec = pod_spec(item)
        if spec is None:
            continue
        template = item["spec"]["jobTemplate"]["spec"]["template"] if item["kind"] == "CronJob" else item["spec"]["template"]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": f"{item['metadata']['name']}-{item['kind'].lower()}-pod-check"[:63].rstrip("-"),
                "labels": (template.get("metadata") or {}).get("labels") or {},
                "annotations": (template.get("metadata") or {}).get("annotations") or {},
            },
            "spec": spec,
        }
        (outdir / f"{item['kind']}-{item['metadata']['name']}.pod.json").write_text(json.dumps(pod, indent=1))
        count += 1
    print(f"  {count} pod templates written")
    return 0


def main() -> int:
    command, *args = sys.argv[1:]
    if command == "plan":
        return 1 if plan(pathlib.Path(args[0]), pathlib.Path(args[1])) else 0
    if command == "compare":
        return 1 if compare(pathlib.Path(args[0]), pathlib.Path(args[1])) else 0
    if command == "pods":
        return pods(pathlib.Path(args[0]), pathlib.Path(args[1]))
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main())
