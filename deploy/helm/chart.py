"""The chart, rendered with Helm's own engine (the helm-python-sdk package: Helm v4's Go library, no helm binary).

Shared by render-kubernetes.py (writes deploy/kubernetes from the chart) and test/check_chart.py (the chart's tests).
Needs helm-python-sdk and PyYAML on the path: PYTHONPATH=.build-python (see .ci/run). Helm's chart loader writes an
INFO line to standard error each time it follows the link files/dashboards (to the repository's dashboards/): expected.
"""

from __future__ import annotations

import os
import pathlib

import helm_python as helm
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHART = HERE / "mongodb-apikey-exporter"
RELEASE = "mongodb-apikey-exporter"
NAMESPACE = "monitoring"



def render(values: dict | None = None, *, name: str = RELEASE, namespace: str = NAMESPACE) -> dict[str, str]:
    """Every template's output (template path -> text), as `helm template` renders it. Raises helm.HelmError on a
    value the schema refuses or a template's fail."""
    with helm.Chart.load(str(CHART)) as chart:
        return chart.render(values or {}, name=name, namespace=namespace, is_install=True)


def documents(rendered: dict[str, str]) -> list[tuple[str, dict]]:
    """The Kubernetes objects among the rendered templates, as (template file name, object), NOTES.txt left out."""
    objects = []
    for path in sorted(rendered):
        if path.endswith("NOTES.txt"):
            continue
        for document in yaml.safe_load_all(rendered[path]):
            if document:
                objects.append((os.path.basename(path), document))
    return objects


def validate_schema(values: dict) -> None:
    """Checks values against values.schema.json with Helm's own validation; raises helm.HelmValuesError."""
    with helm.Chart.load(str(CHART)) as chart:
        chart.validate_schema(values)


def lint(values: dict | None = None) -> dict:
    """Helm's lint report: {"messages": [{"severity", "path", "error"}], "errors": [...]}."""
    return helm.lint(str(CHART), values, namespace=NAMESPACE, kube_version="v1.30.0", strict=True)
