#!/usr/bin/env python3
"""Writes deploy/kubernetes/ (plain manifests and a kustomization, for kubectl apply -k) from the Helm chart, so the
chart is the one source of both. Run it after changing the chart or dashboards/alerts.yml:

    PYTHONPATH=.build-python python3 deploy/helm/render-kubernetes.py

With --check it writes nothing and exits 1 if a committed file differs from a fresh render (the test suite runs that).
"""

from __future__ import annotations

import pathlib
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import chart  # noqa: E402

OUT = chart.ROOT / "deploy" / "kubernetes"

# The sharded set: 3 replicas in namespace monitoring, credentials from the Secret
# mongodb-apikey-exporter-credentials (keys public-key and private-key), the Prometheus Operator's ServiceMonitor
# and PrometheusRule, and the chart's NetworkPolicy (on by default).
SHARDED = {
    "sharding": {"replicas": 3},
    "serviceMonitor": {"enabled": True},
    "prometheusRule": {"enabled": True},
}
# The single-replica variant: only its Deployment is kept (deployment.yaml, in place of statefulset.yaml).
SINGLE = {}

HEADER = """\
# Rendered from the Helm chart deploy/helm/mongodb-apikey-exporter by deploy/helm/render-kubernetes.py: do not edit.
# Change the chart (or the values in that script) and run it again; the tests fail while the two differ.
"""

KUSTOMIZATION = """\
# Written by deploy/helm/render-kubernetes.py: do not edit. deployment.yaml is the single-replica variant: put it in
# place of statefulset.yaml.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: monitoring
labels:
  - pairs:
      app.kubernetes.io/part-of: mongodb-apikey-exporter
resources:
{resources}"""

# Labels that say Helm manages an object: not true of objects applied with kubectl.
HELM_ONLY_LABELS = ("helm.sh/chart:", "app.kubernetes.io/managed-by:")


def plain(text: str) -> str:
    lines = [line for line in text.strip("\n").split("\n") if not line.strip().startswith(HELM_ONLY_LABELS)]
    return HEADER + "\n".join(lines) + "\n"


def files() -> dict[str, str]:
    """File name in deploy/kubernetes -> its content."""
    out: dict[str, str] = {}
    for path, text in sorted(chart.render(SHARDED).items()):
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".yaml") and text.strip():
            out[name] = plain(text)
    single = chart.render(SINGLE)
    out["deployment.yaml"] = plain(single[f"{chart.CHART.name}/templates/deployment.yaml"])
    resources = sorted(name for name in out if name != "deployment.yaml")
    out["kustomization.yaml"] = KUSTOMIZATION.format(resources="".join(f"  - {name}\n" for name in resources))
    return out


def main() -> int:
    check = "--check" in sys.argv[1:]
    wanted = files()
    present = {path.name for path in OUT.glob("*.yaml")}
    differing = sorted(name for name, text in wanted.items()
                       if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text)
    stale = sorted(present - set(wanted))
    if check:
        for name in differing:
            print(f"deploy/kubernetes/{name} differs from a fresh render of the chart")
        for name in stale:
            print(f"deploy/kubernetes/{name} is not rendered from the chart")
        if differing or stale:
            print("run: PYTHONPATH=.build-python python3 deploy/helm/render-kubernetes.py")
            return 1
        print(f"deploy/kubernetes: {len(wanted)} files, equal to a fresh render of the chart")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (OUT / name).unlink()
    for name, text in wanted.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} files to deploy/kubernetes ({len(differing)} changed, {len(stale)} removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
