"""The `rules` check of check_chart.py: the PrometheusRule's values (per-alert switches, severity, `for`, labels and
annotations, a name prefix, the runbooks' base URL) applied to dashboards/alerts.yml, and nothing else changed."""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile

import chart
import helm_python as helm
import yaml

RULE_TEMPLATE = f"{chart.CHART.name}/templates/prometheusrule.yaml"

# The values of check_chart.py's case "alert-tuning".
TUNING = {
    "prometheusRule": {
        "enabled": True,
        "alertNamePrefix": "Atlas",
        "runbookBaseURL": "https://docs.example.com/mongodb_apikey_exporter/v1.0/docs/",
        "additionalRuleLabels": {"team": "security"},
        "additionalRuleAnnotations": {"dashboard": "https://grafana.example.com/d/mongodb-apikeys"},
        "rules": {
            "MongoDBAPIKeyTooOld": {"enabled": False},
            "MongoDBAPIKeyAdded": {"severity": "critical", "for": "2m", "labels": {"page": "yes"},
                                   "annotations": {"summary": "Replaced summary"}},
        },
    },
}


def spec(values: dict) -> dict:
    return yaml.safe_load(chart.render(copy.deepcopy(values))[RULE_TEMPLATE])["spec"]


def alerts(groups: dict) -> dict[str, dict]:
    return {rule["alert"]: rule for group in groups["groups"] for rule in group["rules"]}


def check_rules(r) -> None:
    source = alerts(yaml.safe_load((chart.ROOT / "dashboards/alerts.yml").read_text()))
    plain = alerts(spec({"prometheusRule": {"enabled": True}}))
    r.check(plain == source, f"defaults: the {len(source)} alerts of dashboards/alerts.yml unchanged")
    r.check(all(rule["annotations"]["runbook_url"] == f"docs/runbooks.md#{name.lower()}" for name, rule in plain.items()),
            "defaults: runbook_url stays docs/runbooks.md#<alert in lower case>")

    tuned = alerts(spec(TUNING))
    r.check(set(tuned) == {f"Atlas{name}" for name in source if name != "MongoDBAPIKeyTooOld"},
            "alert-tuning: every alert prefixed with Atlas, MongoDBAPIKeyTooOld left out", str(sorted(tuned)))
    base = TUNING["prometheusRule"]["runbookBaseURL"].rstrip("/")
    r.check(all(rule["annotations"]["runbook_url"] == f"{base}/runbooks.md#{name[len('Atlas'):].lower()}"
                for name, rule in tuned.items()), f"alert-tuning: runbook_url {base}/runbooks.md#<alert>")
    r.check(all(rule["labels"].get("team") == "security"
                and rule["annotations"].get("dashboard") == TUNING["prometheusRule"]["additionalRuleAnnotations"]["dashboard"]
                for rule in tuned.values()), "alert-tuning: extra labels and annotations on every alert")
    added, original = tuned.get("AtlasMongoDBAPIKeyAdded", {}), source["MongoDBAPIKeyAdded"]
    r.check(added.get("labels") == {"severity": "critical", "team": "security", "page": "yes"} and added.get("for") == "2m"
            and added["annotations"]["summary"] == "Replaced summary"
            and added["annotations"]["description"] == original["annotations"]["description"],
            "alert-tuning: MongoDBAPIKeyAdded's severity, for, labels and summary from its values, the rest kept",
            str(added))
    others = [name for name in source if name not in ("MongoDBAPIKeyAdded", "MongoDBAPIKeyTooOld")]
    r.check(all(tuned[f"Atlas{name}"]["expr"] == source[name]["expr"]
                and tuned[f"Atlas{name}"]["labels"]["severity"] == source[name]["labels"]["severity"]
                and tuned[f"Atlas{name}"].get("for") == source[name].get("for") for name in others),
            "alert-tuning: the other alerts keep their expression, severity and for")

    promtool = shutil.which("promtool")
    if r.check(promtool is not None, "promtool is installed"):
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as file:
            yaml.safe_dump(spec(TUNING), file)
            file.flush()
            result = subprocess.run([promtool, "check", "rules", file.name], capture_output=True, text=True)
            r.check(result.returncode == 0 and f"SUCCESS: {len(tuned)} rules found" in result.stdout,
                    "alert-tuning: promtool check rules accepts the tuned PrometheusRule", result.stdout + result.stderr)

    refused = [
        ("an unknown alert name", {"rules": {"MongoDBNoSuchAlert": {"enabled": False}}}, "has no alert MongoDBNoSuchAlert"),
        ("an unknown per-alert key", {"rules": {"MongoDBAPIKeyAdded": {"severty": "critical"}}}, ""),
        ("a `for` that is no duration", {"rules": {"MongoDBAPIKeyAdded": {"for": "five minutes"}}}, ""),
        ("enabled: \"no\"", {"rules": {"MongoDBAPIKeyAdded": {"enabled": "no"}}}, ""),
        ("a prefix that is no metric name", {"alertNamePrefix": "my-"}, ""),
    ]
    for what, values, message in refused:
        try:
            chart.render({"prometheusRule": {"enabled": True, **values}})
            r.check(False, f"install refuses {what}", "rendered")
        except helm.HelmError as error:
            r.check(message in str(error), f"install refuses {what}", str(error))
