#!/usr/bin/env python3
"""Writes deploy/kubernetes/ (plain manifests and a kustomization, for kubectl apply -k) from the Helm chart, so the
chart is the one source of both. Run it after changing the chart or dashboards/alerts.yml:

    PYTHONPATH=.build-python python3 deploy/helm/render-kubernetes.py

With --check it writes nothing and exits 1 if a committed file differs from a fresh render (the test suite runs that).

It also writes the kustomize components deploy/kubernetes/storage/statefulset and storage/deployment, which turn on the
chart's `storage` (the exporter's state on a volume, --storage.path) for statefulset.yaml or deployment.yaml: patches
made from the chart rendered with storage.enabled, so that a manifest they patch equals that render (the chart's tests
check it).
"""

from __future__ import annotations

import copy
import pathlib
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import chart  # noqa: E402
import yaml  # noqa: E402

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
# What the storage components turn on, over SHARDED or SINGLE.
STORAGE = {"storage": {"enabled": True}}
# The folder of the components, all of it written by this script.
STORAGE_DIR = "storage"

HEADER = """\
# Rendered from the Helm chart deploy/helm/mongodb-apikey-exporter by deploy/helm/render-kubernetes.py: do not edit.
# Change the chart (or the values in that script) and run it again; the tests fail while the two differ.
"""

KUSTOMIZATION = """\
# Written by deploy/helm/render-kubernetes.py: do not edit. deployment.yaml is the single-replica variant: put it in
# place of statefulset.yaml. To keep the exporter's state across restarts (--storage.path), add the component
# storage/statefulset (or, with deployment.yaml, storage/deployment) in a kustomization of yours.
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


COMPONENT = """\
# Written by deploy/helm/render-kubernetes.py from the Helm chart's storage values: do not edit.
# The exporter's state on a volume: it saves each target's state in {directory} after every poll
# cycle (--storage.path), so that after a restart its first cycle counts what changed while it was down.
# {what}
# In a kustomization of yours:
#   resources:
#     - {resources}
#   components:
#     - path/to/deploy/kubernetes/{folder}
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
{resources_field}patches:
  - target:
      group: apps
      version: v1
      kind: {kind}
      name: {name}
    patch: |-
{patch}"""

STORAGE_WHAT = {
    "StatefulSet": ("For statefulset.yaml: each shard gets its own volume (volumeClaimTemplates), as each polls other\n"
                    "# organizations.", "path/to/deploy/kubernetes"),
    "Deployment": ("For deployment.yaml: a PersistentVolumeClaim (persistentvolumeclaim.yaml) mounted by the\n"
                   "# Deployment, whose strategy Recreate lets the old pod release the ReadWriteOnce volume before the\n"
                   "# new one starts.",
                   "deployment.yaml  # with the other manifests of deploy/kubernetes, not statefulset.yaml"),
}


def workload(rendered: dict[str, str], kind: str) -> dict:
    return next(d for _, d in chart.documents(rendered) if d["kind"] == kind)


def storage_patch(base: dict, storage: dict) -> list[dict]:
    """The JSON patch (RFC 6902, appending to lists) that turns the workload `base` into `storage`, the same workload
    rendered with storage on: the claim templates or the volume, the mount, --storage.path, the strategy."""
    spec, pod = storage["spec"], storage["spec"]["template"]["spec"]
    container = pod["containers"][0]
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == "storage"]
    (flag,) = [a for a in container["args"] if a.startswith("--storage.path=")]
    ops = []
    if "volumeClaimTemplates" in spec:
        ops.append({"op": "add", "path": "/spec/volumeClaimTemplates", "value": spec["volumeClaimTemplates"]})
    if "strategy" in spec:
        ops.append({"op": "add", "path": "/spec/strategy", "value": spec["strategy"]})
    ops += [{"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": flag},
            {"op": "add", "path": "/spec/template/spec/containers/0/volumeMounts/-", "value": mount}]
    ops += [{"op": "add", "path": "/spec/template/spec/volumes/-", "value": v} for v in pod["volumes"]
            if v["name"] == "storage"]
    patched = apply_patch(base, ops)
    if patched != storage:
        raise RuntimeError(f"the storage patch of the {base['kind']} does not reproduce the chart's render with "
                           f"storage on: teach storage_patch the difference")
    return ops


def apply_patch(document: dict, ops: list[dict]) -> dict:
    """`ops` applied to a copy of `document`: the JSON patch operations kustomize applies, as far as the storage
    components use them (add, to an object's member or at a list's end "-", or at an index)."""
    document = copy.deepcopy(document)
    for op in ops:
        if op["op"] != "add":
            raise ValueError(f"unsupported operation {op['op']}")
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        value = copy.deepcopy(op["value"])
        if isinstance(node, list):
            node.insert(len(node) if last == "-" else int(last), value)
        else:
            node[last] = value
    return document


def storage_components() -> dict[str, str]:
    """storage/statefulset/kustomization.yaml, storage/deployment/{kustomization,persistentvolumeclaim}.yaml."""
    out: dict[str, str] = {}
    for kind, values in [("StatefulSet", SHARDED), ("Deployment", SINGLE)]:
        base = workload(chart.render(values), kind)
        rendered = chart.render({**values, **STORAGE})
        storage = workload(rendered, kind)
        ops = storage_patch(base, storage)
        folder = f"{STORAGE_DIR}/{kind.lower()}"
        claim = rendered.get(f"{chart.CHART.name}/templates/persistentvolumeclaim.yaml", "")
        resources = ["persistentvolumeclaim.yaml"] if claim.strip() else []
        if resources:
            out[f"{folder}/persistentvolumeclaim.yaml"] = plain(claim)
        mount = next(m for m in storage["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
                     if m["name"] == "storage")
        patch = yaml.safe_dump(ops, sort_keys=False, width=1000)
        out[f"{folder}/kustomization.yaml"] = COMPONENT.format(
            what=STORAGE_WHAT[kind][0], directory=mount["mountPath"], resources=STORAGE_WHAT[kind][1], folder=folder,
            resources_field="".join(f"resources:\n  - {r}\n" for r in resources),
            kind=kind, name=base["metadata"]["name"],
            patch="".join(f"      {line}\n" for line in patch.splitlines()))
    return out


def files() -> dict[str, str]:
    """File name in deploy/kubernetes (a path below it for the storage components) -> its content."""
    out: dict[str, str] = {}
    for path, text in sorted(chart.render(SHARDED).items()):
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".yaml") and text.strip():
            out[name] = plain(text)
    single = chart.render(SINGLE)
    out["deployment.yaml"] = plain(single[f"{chart.CHART.name}/templates/deployment.yaml"])
    resources = sorted(name for name in out if name != "deployment.yaml")
    out["kustomization.yaml"] = KUSTOMIZATION.format(resources="".join(f"  - {name}\n" for name in resources))
    out.update(storage_components())
    return out


def main() -> int:
    check = "--check" in sys.argv[1:]
    wanted = files()
    present = {path.name for path in OUT.glob("*.yaml")} | \
        {path.relative_to(OUT).as_posix() for path in (OUT / STORAGE_DIR).rglob("*") if path.is_file()}
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
        (OUT / name).parent.mkdir(parents=True, exist_ok=True)
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} files to deploy/kubernetes ({len(differing)} changed, {len(stale)} removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
