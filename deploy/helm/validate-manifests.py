"""Validates rendered Helm output offline.

Core Kubernetes kinds are checked with kubernetes-validate in strict mode (unknown fields fail)
against every Kubernetes version given. The custom resources the chart can render (ServiceMonitor,
PrometheusRule, KafkaTopic) have no schema in that package: they are checked against the small strict
schemas in deploy/helm/crd-schemas/. Any other kind fails, so nothing passes unvalidated.

    python validate-manifests.py -k 1.33 -k 1.37 rendered.yaml [more.yaml ...]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

import jsonschema
import yaml
from kubernetes_validate import utils as kv

CRD_SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-monitoring-v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "prometheusrule-monitoring-v1.json",
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): "kafkatopic-kafka.json",
    ("kafka.strimzi.io/v1", "KafkaTopic"): "kafkatopic-kafka.json",
}


def load_documents(path: pathlib.Path) -> list[dict]:
    with path.open() as f:
        try:
            return [doc for doc in yaml.safe_load_all(f) if doc]
        except yaml.YAMLError as error:
            raise SystemExit(f"ERROR {path}: not valid YAML: {error}")


def describe(doc: dict) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", "--kubernetes-version", action="append", required=True)
    parser.add_argument("files", nargs="+", type=pathlib.Path)
    args = parser.parse_args()

    schema_dir = pathlib.Path(__file__).resolve().parent / "crd-schemas"
    crd_validators = {
        key: jsonschema.Draft202012Validator(json.loads((schema_dir / name).read_text()))
        for key, name in CRD_SCHEMAS.items()
    }
    supported = kv.all_versions()
    for version in args.kubernetes_version:
        if not any(kv.major_minor(v) == kv.major_minor(version) for v in supported):
            print(f"FATAL kubernetes-validate {kv.__version__} has no schemas for Kubernetes {version} "
                  f"(it has {', '.join(kv.major_minor(v) for v in supported)})")
            return 2

    failures = 0
    core = custom = 0
    for path in args.files:
        for doc in load_documents(path):
            key = (doc.get("apiVersion"), doc.get("kind"))
            where = f"{path.name}: {describe(doc)}"
            if key in crd_validators:
                errors = sorted(crd_validators[key].iter_errors(doc), key=lambda e: list(e.path))
                for error in errors:
                    location = ".".join(str(p) for p in error.path) or "(root)"
                    print(f"ERROR {where} ({key[0]}, chart's CRD subset schema): {location}: {error.message}")
                failures += len(errors)
                custom += 1
                continue
            for version in args.kubernetes_version:
                try:
                    kv.validate(doc, version, strict=True)
                except kv.ValidationError as error:
                    location = ".".join(str(p) for p in error.path) or "(root)"
                    print(f"ERROR {where} against Kubernetes {error.version}: {location}: {error.message}")
                    failures += 1
                except kv.SchemaNotFoundError as error:
                    print(f"ERROR {where}: {error.message}, and the chart has no schema of its own for it")
                    failures += 1
            core += 1

    versions = ", ".join(args.kubernetes_version)
    print(f"validate-manifests: {core} Kubernetes resources (strict, Kubernetes {versions}) and "
          f"{custom} custom resources (chart's CRD subset schemas) in {len(args.files)} file(s): "
          f"{'OK' if failures == 0 else f'{failures} error(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
