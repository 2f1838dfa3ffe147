#!/usr/bin/env python3
"""The Helm chart's tests, with Helm's own engine (helm-python-sdk: Helm v4's Go library, no helm binary).

    PYTHONPATH=.build-python python3 deploy/helm/test/check_chart.py [CHECK ...]

CHECKs: lint, schema, validate, checkov, workloads, secrets, sources, rules, kubernetes (all of them when none is given).
`probes CASE` prints the probes of CASE's workload as JSON, `run-plan CASE ROOT PORT` how to run its container here. Each check prints one "PASS ..." or "FAIL ...: why"
line per assertion and a closing "CHECK: N passed, M failed"; the exit status is 1 if anything failed.
Tests/IntegrationTests/HelmChartTests.swift runs each check.
"""

from __future__ import annotations

import base64
import concurrent.futures
import copy
import importlib.util
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import chart  # noqa: E402
import check_rules  # noqa: E402
import helm_python as helm  # noqa: E402
import yaml  # noqa: E402

ROOT = chart.ROOT
PYTHON_PATH = os.environ.get("PYTHONPATH", "")
CREDENTIALS_DIR = "/etc/mongodb-apikey-exporter/credentials"
STORAGE_DIR = "/var/lib/mongodb-apikey-exporter"


def marker(what: str) -> str:
    """A distinctive secret: if it shows up in clear anywhere in a render, it leaked."""
    return f"LEAKCHECK-{what}-7f3a9c"


BCRYPT_MARKER = "$2y$10$" + marker("bcrypt-hash").ljust(53, "x")

# The matrix of values every check renders. Secrets are markers (see `secrets`).
CASES: dict[str, dict] = {
    "defaults": {},
    "api-key-from-values": {
        "credentials": {"kind": "apiKey", "publicKey": "abcdefgh", "privateKey": marker("private-key")},
    },
    "service-account": {
        "credentials": {"kind": "serviceAccount", "clientId": "mdb_sa_id_0123456789abcdef",
                        "clientSecret": marker("client-secret")},
    },
    "existing-secret": {
        "credentials": {"existingSecret": "atlas-credentials", "publicKey": "abcdefgh"},
        "atlas": {"orgIds": ["5980cfc70b6d97029d82e3f6"]},
    },
    "existing-secret-service-account": {
        "credentials": {"kind": "serviceAccount", "existingSecret": "atlas-sa"},
    },
    "several-targets": {
        "targets": [
            {"name": "atlas-prod", "public_key": "abcdefgh", "org_ids": ["5980cfc70b6d97029d82e3f6"],
             "secret": marker("target-private-key")},
            {"name": "atlas-sa", "client_id": "mdb_sa_id_0123456789abcdef", "secret": marker("target-client-secret"),
             "service_accounts": True, "activity_feed": False, "org_settings": True,
             "owner_labels": [{"label": "squad", "regex": r"squad:(\S+)"}]},
            {"name": "ops-manager", "base_url": "https://om.example.com:8443/api/public/v1.0", "public_key": "ijklmnop",
             "secretKey": "om-private-key", "secret": marker("target-om-key"), "connect_timeout": "5s",
             "timeout": "30s", "max_listing_items": 200000, "max_listing_size": "512MiB"},
        ],
        "networkPolicy": {"egressPorts": [443, 8443]},
        "ownerLabels": [{"label": "team", "regex": "team=([a-z0-9-]+)"}],
    },
    "three-shards": {
        "sharding": {"replicas": 3},
        "podDisruptionBudget": {"enabled": True},
    },
    "network-policy-off": {
        "networkPolicy": {"enabled": False},
        "credentials": {"publicKey": "abcdefgh"},
    },
    "prometheus-operator": {
        "serviceMonitor": {"enabled": True, "interval": "30s", "scrapeTimeout": "20s",
                           "labels": {"release": "kube-prometheus-stack"},
                           "relabelings": [{"sourceLabels": ["__meta_kubernetes_pod_node_name"], "targetLabel": "node"}]},
        "prometheusRule": {"enabled": True, "labels": {"release": "kube-prometheus-stack"}},
        "grafanaDashboards": {"enabled": True, "annotations": {"grafana_folder": "Security"}},
    },
    "alert-tuning": check_rules.TUNING,
    "web-config": {
        "webConfig": {
            "enabled": True,
            "tlsSecret": "exporter-tls",
            "config": {
                "tls_server_config": {"cert_file": "/etc/mongodb-apikey-exporter/tls/tls.crt",
                                      "key_file": "/etc/mongodb-apikey-exporter/tls/tls.key"},
                "basic_auth_users": {"prometheus": BCRYPT_MARKER},
            },
        },
        "serviceMonitor": {"enabled": True, "tlsConfig": {"insecureSkipVerify": True},
                           "basicAuth": {"username": {"name": "scrape-auth", "key": "username"},
                                         "password": {"name": "scrape-auth", "key": "password"}}},
    },
    "web-config-tls-only": {
        "webConfig": {"enabled": True, "existingSecret": "exporter-web", "tls": True, "tlsSecret": "exporter-tls"},
    },
    # The state volume (--storage.path): the chart's claim, the user's, an emptyDir, one claim per shard.
    "storage": {
        "storage": {"enabled": True, "size": "2Gi", "storageClassName": "fast-ssd"},
    },
    "storage-existing-claim": {
        "storage": {"enabled": True, "existingClaim": "exporter-state"},
        "credentials": {"publicKey": "abcdefgh"},
    },
    "storage-empty-dir": {
        "storage": {"enabled": True, "emptyDir": True, "size": "256Mi"},
    },
    "three-shards-storage": {
        "sharding": {"replicas": 3},
        "storage": {"enabled": True, "storageClassName": "-", "accessModes": ["ReadWriteOncePod"]},
    },
}

# Secrets given in each case's values: they may appear only base64-encoded in a Secret's data.
SECRETS = {
    "api-key-from-values": [marker("private-key")],
    "service-account": [marker("client-secret")],
    "several-targets": [marker("target-private-key"), marker("target-client-secret"), marker("target-om-key")],
    "web-config": [BCRYPT_MARKER],
}

# Values Helm's schema validation must refuse, and the JSON pointer its message must name.
BAD_VALUES = [
    ("sharding.replicas: \"three\"", {"sharding": {"replicas": "three"}}, "/sharding/replicas"),
    ("sharding.replicas: 0", {"sharding": {"replicas": 0}}, "/sharding/replicas"),
    ("an unknown credential kind", {"credentials": {"kind": "password"}}, "/credentials/kind"),
    ("a misspelt credentials key", {"credentials": {"privateKeyFile": "/x"}}, "/credentials"),
    ("an unknown top-level key", {"replicaCount": 2}, ""),
    ("a target with both public_key and client_id",
     {"targets": [{"name": "t", "public_key": "a", "client_id": "b"}]}, "/targets/0"),
    ("a target without credentials", {"targets": [{"name": "t"}]}, "/targets/0"),
    ("a target's private key inline (it would land in the ConfigMap)",
     {"targets": [{"name": "t", "public_key": "a", "private_key": "x"}]}, "/targets/0"),
    ("a target's private_key_file, even as a boolean",
     {"targets": [{"name": "t", "public_key": "a", "private_key_file": True}]}, "/targets/0"),
    ("a target's collector switch that is not true or false",
     {"targets": [{"name": "t", "public_key": "a", "service_accounts": "yes"}]}, "/targets/0"),
    ("a target's org id that is not 24 hex characters",
     {"targets": [{"name": "t", "public_key": "a", "org_ids": ["nope"]}]}, "/targets/0/org_ids/0"),
    ("a port as a string", {"web": {"port": "10025"}}, "/web/port"),
    ("a plaintext password in basic_auth_users",
     {"webConfig": {"enabled": True, "config": {"basic_auth_users": {"alice": "secret"}}}}, "/webConfig/config"),
    ("an unknown pull policy", {"image": {"pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
    ("a log level the exporter does not know", {"exporter": {"logLevel": "verbose"}}, "/exporter/logLevel"),
    ("a state volume size that is no Kubernetes quantity", {"storage": {"enabled": True, "size": "1GB"}},
     "/storage/size"),
    ("a read-only access mode for the state volume", {"storage": {"enabled": True, "accessModes": ["ReadOnlyMany"]}},
     "/storage/accessModes/0"),
    ("a misspelt storage key", {"storage": {"enabled": True, "storageClass": "fast"}}, "/storage"),
]

# Values the schema accepts but a template refuses with a message (template `fail`).
REFUSED_BY_TEMPLATES = [
    ("a secret in values beside an existing Secret",
     {"credentials": {"existingSecret": "s", "publicKey": "a", "privateKey": "x"}}, "existingSecret"),
    ("a private key without its public key", {"credentials": {"privateKey": "x"}}, "publicKey"),
    ("a client secret with kind apiKey", {"credentials": {"clientId": "c", "clientSecret": "x"}}, "apiKey"),
    ("credentials beside targets",
     {"targets": [{"name": "t", "public_key": "a"}], "credentials": {"publicKey": "b"}}, "targets"),
    ("a target whose name cannot be a Secret key",
     {"targets": [{"name": "atlas prod", "public_key": "a"}]}, "secretKey"),
    ("the web config switched on with nothing in it", {"webConfig": {"enabled": True}}, "webConfig"),
    ("one existing claim for several shards",
     {"sharding": {"replicas": 2}, "storage": {"enabled": True, "existingClaim": "state"}}, "existingClaim"),
    ("an existing claim and an emptyDir at once",
     {"storage": {"enabled": True, "existingClaim": "state", "emptyDir": True}}, "emptyDir"),
]


class Results:
    def __init__(self, name: str):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, ok: bool, what: str, why: str = "") -> bool:
        if ok:
            self.passed += 1
            print(f"PASS {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}: {why}")
        sys.stdout.flush()
        return ok

    def close(self) -> bool:
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        return self.failed == 0


def rendered(case: str) -> dict[str, str]:
    return chart.render(copy.deepcopy(CASES[case]))


def objects(case: str) -> list[tuple[str, dict]]:
    return chart.documents(rendered(case))


def workloads(docs: list[tuple[str, dict]]) -> list[dict]:
    return [doc for _, doc in docs if doc["kind"] in ("Deployment", "StatefulSet")]


def write_case(directory: pathlib.Path, case: str) -> list[pathlib.Path]:
    """One file per object, so that every tool's message names it."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, (_, doc) in enumerate(objects(case)):
        path = directory / f"{index:02d}-{doc['kind'].lower()}-{doc['metadata']['name']}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


# --- lint -----------------------------------------------------------------------------------------------------------

def check_lint(r: Results) -> None:
    """helm lint --strict for Kubernetes 1.30, with the defaults and with every case's values."""
    for case in ["defaults"] + [c for c in CASES if c != "defaults"]:
        report = chart.lint(copy.deepcopy(CASES[case]) or None)
        messages = [f"{m['path']}: {m['error']}" for m in report.get("messages") or []]
        others = [m for m in messages if m != "Chart.yaml: icon is recommended"]
        r.check(not report.get("errors") and not others and report.get("total_charts_linted") == 1,
                f"lint {case}: no error, no message but the icon", json.dumps(report))


# --- schema ---------------------------------------------------------------------------------------------------------

def check_schema(r: Results) -> None:
    check_target_schema(r)
    for case, values in CASES.items():
        try:
            chart.validate_schema(copy.deepcopy(values))
            r.check(True, f"schema accepts {case}")
        except helm.HelmError as error:
            r.check(False, f"schema accepts {case}", str(error))
    for what, values, pointer in BAD_VALUES:
        # Helm's schema check, on its own, at install (render) and in lint.
        try:
            chart.validate_schema(values)
            r.check(False, f"schema refuses {what}", "validate_schema accepted it")
        except helm.HelmValuesError as error:
            r.check(f"at '{pointer}" in str(error), f"schema refuses {what}", str(error))
        try:
            chart.render(values)
            r.check(False, f"install refuses {what}", "rendered")
        except helm.HelmValuesError as error:
            r.check("values don't meet the specifications of the schema" in str(error), f"install refuses {what}",
                    str(error))
        report = chart.lint(values)
        r.check(bool(report.get("errors")), f"lint refuses {what}", json.dumps(report))
    for what, values, word in REFUSED_BY_TEMPLATES:
        try:
            chart.validate_schema(values)
            chart.render(values)
            r.check(False, f"templates refuse {what}", "rendered")
        except helm.HelmError as error:
            r.check(word in str(error) and not isinstance(error, helm.HelmValuesError),
                    f"templates refuse {what}", f"{type(error).__name__}: {error}")


# --- kubernetes-validate --------------------------------------------------------------------------------------------

CRD_GROUP = "monitoring.coreos.com/"

# ServiceMonitor and PrometheusRule fields the chart may use (Prometheus Operator v1 API); kubernetes-validate has no
# schema for custom resources, so their shape is checked here.
SERVICE_MONITOR_SPEC = {"selector", "namespaceSelector", "endpoints", "jobLabel"}
SERVICE_MONITOR_ENDPOINT = {"port", "path", "interval", "scrapeTimeout", "scheme", "tlsConfig", "basicAuth",
                            "relabelings", "metricRelabelings"}
DURATION = re.compile(r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$")


def check_validate(r: Results) -> None:
    with tempfile.TemporaryDirectory(prefix="helm-validate-") as tmp:
        files: dict[pathlib.Path, str] = {}
        for case in CASES:
            for path in write_case(pathlib.Path(tmp) / case, case):
                files[path] = case
        core = [p for p in files if not yaml.safe_load(p.read_text())["apiVersion"].startswith(CRD_GROUP)]
        result = subprocess.run([sys.executable, "-m", "kubernetes_validate", "-k", "1.30.0", "--strict"]
                                + [str(p) for p in core], capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": PYTHON_PATH})
        output = result.stdout + result.stderr
        r.check(result.returncode == 0 and "ERROR" not in output, "kubernetes-validate -k 1.30.0 --strict: no error",
                output[-4000:])
        for path in core:
            doc = yaml.safe_load(path.read_text())
            resource = f"{doc['kind'].lower()}/{doc['metadata']['name']}"
            r.check(f"{path} passed for resource {resource} against version 1.30" in output,
                    f"kubernetes-validate {files[path]}: {doc['kind']} {doc['metadata']['name']}", output[-2000:])
        for path, case in files.items():
            doc = yaml.safe_load(path.read_text())
            if doc["kind"] == "ServiceMonitor":
                spec = doc["spec"]
                endpoints = spec.get("endpoints") or []
                ok = set(spec) <= SERVICE_MONITOR_SPEC and len(endpoints) == 1 \
                    and all(set(e) <= SERVICE_MONITOR_ENDPOINT for e in endpoints) \
                    and all(DURATION.match(str(e.get(k, "0"))) for e in endpoints for k in ("interval", "scrapeTimeout")) \
                    and all(e.get("scheme", "http") in ("http", "https") for e in endpoints) \
                    and all(isinstance(e.get("relabelings", []), list) for e in endpoints)
                r.check(ok, f"ServiceMonitor shape {case}", json.dumps(spec))
            elif doc["kind"] == "PrometheusRule":
                groups = doc["spec"].get("groups")
                r.check(set(doc["spec"]) == {"groups"} and isinstance(groups, list) and groups,
                        f"PrometheusRule shape {case}", json.dumps(doc["spec"])[:500])


# --- checkov --------------------------------------------------------------------------------------------------------

def checkov(directory: pathlib.Path) -> str:
    result = subprocess.run([sys.executable, "-m", "checkov.main", "--skip-download", "-d", str(directory),
                             "--framework", "kubernetes", "--compact", "--quiet"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": PYTHON_PATH, "BC_SKIP_MAPPING": "TRUE"})
    return result.stdout + result.stderr


def check_checkov(r: Results) -> None:
    with tempfile.TemporaryDirectory(prefix="helm-checkov-") as tmp:
        directories = {}
        for case in CASES:
            directories[case] = pathlib.Path(tmp) / case
            write_case(directories[case], case)
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            outputs = dict(zip(directories, pool.map(checkov, directories.values())))
        for case, output in outputs.items():
            summary = re.search(r"Passed checks: \d+, Failed checks: \d+, Skipped checks: \d+", output)
            r.check(summary is not None and "Failed checks: 0," in summary.group(0),
                    f"checkov {case}: {summary.group(0) if summary else 'no summary'}", output[-4000:])
    # Every skip carries its reason, in the chart's output (checkov reads "CHECK_ID=reason").
    for case in CASES:
        for _, doc in objects(case):
            for key, value in (doc["metadata"].get("annotations") or {}).items():
                if key.startswith("checkov.io/skip"):
                    check_id, _, reason = str(value).partition("=")
                    r.check(re.match(r"^CKV2?_K8S_\d+$", check_id) is not None and len(reason.strip()) > 20,
                            f"checkov skip {check_id} in {case} {doc['kind']} has its reason", str(value))


# --- workloads ------------------------------------------------------------------------------------------------------

def probe_kind(probe: dict) -> str:
    return next(k for k in ("httpGet", "tcpSocket", "exec", "grpc") if k in probe)


def check_workloads(r: Results) -> None:
    for case in CASES:
        docs = objects(case)
        by_kind: dict[str, list[dict]] = {}
        for _, doc in docs:
            by_kind.setdefault(doc["kind"], []).append(doc)
        loads = workloads(docs)
        if not r.check(len(loads) == 1, f"{case}: one workload", str([d["kind"] for d in loads])):
            continue
        load = loads[0]
        pod = load["spec"]["template"]["spec"]
        container = pod["containers"][0]
        args = container["args"]
        replicas = CASES[case].get("sharding", {}).get("replicas", 1)
        # Workload and sharding.
        if replicas > 1:
            r.check(load["kind"] == "StatefulSet" and load["spec"]["replicas"] == replicas
                    and f"--shard.count={replicas}" in args and "--shard.index=from-hostname" in args
                    and load["spec"]["podManagementPolicy"] == "Parallel",
                    f"{case}: a StatefulSet of {replicas} pods, each polling its shard", str(args))
            service = by_kind["Service"][0]
            r.check(service["spec"].get("clusterIP") == "None"
                    and load["spec"]["serviceName"] == service["metadata"]["name"],
                    f"{case}: the StatefulSet's headless Service", json.dumps(service["spec"]))
        else:
            r.check(load["kind"] == "Deployment" and load["spec"]["replicas"] == 1
                    and not any(a.startswith("--shard.") for a in args),
                    f"{case}: a Deployment of one pod, unsharded", str(args))
        # Security.
        pod_security, security = pod["securityContext"], container["securityContext"]
        r.check(pod_security.get("runAsNonRoot") is True and pod_security.get("runAsUser") == 65534
                and pod_security.get("seccompProfile") == {"type": "RuntimeDefault"},
                f"{case}: pod runs as non-root uid 65534 with seccomp RuntimeDefault", json.dumps(pod_security))
        r.check(security.get("readOnlyRootFilesystem") is True and security.get("allowPrivilegeEscalation") is False
                and security.get("capabilities") == {"drop": ["ALL"]} and security.get("runAsNonRoot") is True
                and security.get("runAsUser") == 65534,
                f"{case}: container read-only, no privilege escalation, capabilities dropped", json.dumps(security))
        resources = container.get("resources", {})
        r.check(all(k in resources.get(s, {}) for s in ("requests", "limits") for k in ("cpu", "memory")),
                f"{case}: resource requests and limits", json.dumps(resources))
        r.check(pod.get("automountServiceAccountToken") is False, f"{case}: no service account token mounted")
        # Probes.
        web = CASES[case].get("webConfig", {})
        client_auth = bool(web.get("config", {}).get("basic_auth_users")) or web.get("clientAuth", False)
        tls = "tls_server_config" in web.get("config", {}) or web.get("tls", False)
        liveness, readiness = container["livenessProbe"], container["readinessProbe"]
        if client_auth:
            r.check(probe_kind(liveness) == probe_kind(readiness) == "tcpSocket"
                    and liveness["tcpSocket"]["port"] == "http-metrics",
                    f"{case}: with client authentication, TCP probes (the kubelet has no password)",
                    json.dumps([liveness, readiness]))
        else:
            scheme = "HTTPS" if tls else "HTTP"
            r.check(liveness.get("httpGet", {}).get("path") == "/-/healthy"
                    and readiness.get("httpGet", {}).get("path") == "/-/ready"
                    and liveness["httpGet"]["scheme"] == readiness["httpGet"]["scheme"] == scheme,
                    f"{case}: liveness GET /-/healthy, readiness GET /-/ready over {scheme}",
                    json.dumps([liveness, readiness]))
        # Port.
        r.check(container["ports"][0]["containerPort"] == 10025 and "--web.listen-address=:10025" in args
                and by_kind["Service"][0]["spec"]["ports"][0]["port"] == 10025,
                f"{case}: the default port 10025", str(args))
        # Credentials: files from a Secret, never flags.
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        credentials = volumes["credentials"]["secret"]["secretName"]
        r.check(mounts["credentials"]["mountPath"] == CREDENTIALS_DIR and mounts["credentials"]["readOnly"] is True,
                f"{case}: the credentials Secret {credentials} mounted read-only in {CREDENTIALS_DIR}")
        r.check(not any(re.match(r"--atlas\.(private-key|client-secret)(=|$)", a) for a in args),
                f"{case}: no secret flag", str(args))
        values = CASES[case]
        expected_secret = values.get("credentials", {}).get("existingSecret") or "mongodb-apikey-exporter-credentials"
        r.check(credentials == expected_secret, f"{case}: credentials from the Secret {expected_secret}", credentials)
        created = [d for d in by_kind.get("Secret", []) if d["metadata"]["name"] == credentials]
        if values.get("targets"):
            config_arg = "--config.file=/etc/mongodb-apikey-exporter/config/exporter.yml"
            config_map = next(d for d in by_kind["ConfigMap"] if d["metadata"]["name"].endswith("-config"))
            r.check(config_arg in args and volumes["config"]["configMap"]["name"] == config_map["metadata"]["name"]
                    and mounts["config"]["mountPath"] == "/etc/mongodb-apikey-exporter/config",
                    f"{case}: --config.file from the ConfigMap {config_map['metadata']['name']}", str(args))
            check_config_file(r, case, yaml.safe_load(config_map["data"]["exporter.yml"]), values["targets"],
                              created[0] if created else None)
        else:
            kind = values.get("credentials", {}).get("kind", "apiKey")
            flag, key = {"apiKey": ("--atlas.private-key-file", "private-key"),
                         "serviceAccount": ("--atlas.client-secret-file", "client-secret")}[kind]
            r.check(f"{flag}={CREDENTIALS_DIR}/{key}" in args, f"{case}: {flag} names the Secret's file {key}", str(args))
            if created:
                r.check(set(created[0]["data"]) == {key}, f"{case}: the chart's Secret holds {key}",
                        str(list(created[0]["data"])))
            identity = {"apiKey": ("publicKey", "--atlas.public-key", "MONGODB_ATLAS_PUBLIC_KEY", "public-key"),
                        "serviceAccount": ("clientId", "--atlas.client-id", "MONGODB_ATLAS_CLIENT_ID", "client-id")}[kind]
            given = values.get("credentials", {}).get(identity[0])
            env = {e["name"]: e for e in container.get("env", [])}
            if given:
                r.check(f"{identity[1]}={given}" in args, f"{case}: {identity[1]} from values (not a secret)", str(args))
            else:
                ref = env.get(identity[2], {}).get("valueFrom", {}).get("secretKeyRef", {})
                r.check(ref == {"name": credentials, "key": identity[3]},
                        f"{case}: {identity[2]} by reference to the Secret's {identity[3]}", json.dumps(env))
        # Web config.
        if web.get("enabled"):
            web_secret = web.get("existingSecret") or "mongodb-apikey-exporter-web"
            r.check("--web.config.file=/etc/mongodb-apikey-exporter/web/web-config.yml" in args
                    and volumes["web-config"]["secret"]["secretName"] == web_secret
                    and volumes["web-tls"]["secret"]["secretName"] == web["tlsSecret"],
                    f"{case}: --web.config.file from the Secret {web_secret}, TLS files from {web['tlsSecret']}",
                    str(args))
            monitors = by_kind.get("ServiceMonitor", [])
            if monitors:
                endpoint = monitors[0]["spec"]["endpoints"][0]
                r.check(endpoint.get("scheme") == ("https" if tls else None) and "tlsConfig" in endpoint,
                        f"{case}: the ServiceMonitor scrapes over https", json.dumps(endpoint))
        # ServiceMonitor settings.
        monitor_values = values.get("serviceMonitor", {})
        if monitor_values.get("enabled"):
            endpoint = by_kind["ServiceMonitor"][0]["spec"]["endpoints"][0]
            relabelings = endpoint["relabelings"]
            r.check(endpoint["interval"] == monitor_values.get("interval", "60s")
                    and endpoint["scrapeTimeout"] == monitor_values.get("scrapeTimeout", "30s")
                    and relabelings[0] == {"targetLabel": "job", "replacement": "mongodb_apikey_exporter"}
                    and relabelings[1:] == monitor_values.get("relabelings", []),
                    f"{case}: ServiceMonitor interval, scrapeTimeout, job and further relabelings",
                    json.dumps(endpoint))
        check_storage(r, case, load, by_kind)
        # Optional objects: present exactly when switched on.
        for kind, key in [("NetworkPolicy", "networkPolicy"), ("PodDisruptionBudget", "podDisruptionBudget"),
                          ("ServiceMonitor", "serviceMonitor"), ("PrometheusRule", "prometheusRule")]:
            on = values.get(key, {}).get("enabled", key == "networkPolicy")
            r.check(len(by_kind.get(kind, [])) == (1 if on else 0), f"{case}: {kind} {'on' if on else 'off'}")
        policy = by_kind.get("NetworkPolicy")
        if policy:
            egress = [p["port"] for rule in policy[0]["spec"]["egress"] for p in rule["ports"]]
            wanted = values.get("networkPolicy", {}).get("egressPorts", [443])
            r.check(set(egress) == {53} | set(wanted), f"{case}: NetworkPolicy lets out DNS and {wanted} only",
                    str(egress))


def check_storage(r: Results, case: str, load: dict, by_kind: dict[str, list[dict]]) -> None:
    """The state volume (--storage.path): nothing of it unless storage.enabled; else mounted writable at STORAGE_DIR,
    from the chart's claim, the user's, an emptyDir or (sharded) one claim per shard, with the values' size, class
    and access modes."""
    storage = CASES[case].get("storage", {})
    pod = load["spec"]["template"]["spec"]
    container = pod["containers"][0]
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    claims = by_kind.get("PersistentVolumeClaim", [])
    templates = load["spec"].get("volumeClaimTemplates", [])
    flags = [a for a in container["args"] if a.startswith("--storage.")]
    if not storage.get("enabled"):
        r.check(not claims and not templates and not flags and "storage" not in mounts and "storage" not in volumes
                and not any(m["mountPath"] == STORAGE_DIR for m in container["volumeMounts"]),
                f"{case}: storage off: no claim, no claim template, no state volume, no --storage.path",
                json.dumps([flags, list(mounts), list(volumes), len(claims), len(templates)]))
        return
    r.check(flags == [f"--storage.path={STORAGE_DIR}"], f"{case}: --storage.path={STORAGE_DIR}", str(container["args"]))
    r.check(mounts.get("storage") == {"name": "storage", "mountPath": STORAGE_DIR},
            f"{case}: the state volume mounted writable at {STORAGE_DIR}", json.dumps(mounts.get("storage")))
    r.check(pod["securityContext"].get("fsGroup") == 65534 and container["securityContext"]["readOnlyRootFilesystem"],
            f"{case}: fsGroup 65534 gives the volume to the pod's group (the root filesystem stays read-only)",
            json.dumps(pod["securityContext"]))
    size = storage.get("size", "1Gi")
    modes = storage.get("accessModes", ["ReadWriteOnce"])
    spec = {"accessModes": modes, "resources": {"requests": {"storage": size}}}
    if storage.get("storageClassName"):
        spec["storageClassName"] = "" if storage["storageClassName"] == "-" else storage["storageClassName"]
    described = f"{size}, {modes}, class {json.dumps(spec.get('storageClassName', 'default'))}"
    sharded = CASES[case].get("sharding", {}).get("replicas", 1) > 1
    if storage.get("emptyDir"):
        r.check(volumes.get("storage") == {"name": "storage", "emptyDir": {"sizeLimit": size}}
                and not claims and not templates,
                f"{case}: an emptyDir of at most {size}, no claim", json.dumps(volumes.get("storage")))
    elif sharded:
        (template,) = templates or [None]
        r.check(template is not None and template["metadata"]["name"] == "storage" and template["spec"] == spec
                and "storage" not in volumes and not claims,
                f"{case}: each shard's own volume from volumeClaimTemplates ({described})", json.dumps(templates))
        r.check(template is not None and set(template["metadata"].get("labels", {}))
                <= {"app.kubernetes.io/name", "app.kubernetes.io/instance"},
                f"{case}: the claim template has only labels that never change (a template cannot be updated)",
                json.dumps(templates))
    elif storage.get("existingClaim"):
        r.check(volumes.get("storage", {}).get("persistentVolumeClaim") == {"claimName": storage["existingClaim"]}
                and not claims and not templates,
                f"{case}: the existing claim {storage['existingClaim']}, none made by the chart",
                json.dumps(volumes.get("storage")))
    else:
        name = f"{load['metadata']['name']}-storage"
        r.check(len(claims) == 1 and claims[0]["metadata"]["name"] == name and claims[0]["spec"] == spec
                and claims[0]["metadata"]["namespace"] == load["metadata"]["namespace"]
                and volumes.get("storage", {}).get("persistentVolumeClaim") == {"claimName": name} and not templates,
                f"{case}: the chart's claim {name} ({described})", json.dumps([c["spec"] for c in claims]))
    if load["kind"] == "Deployment":
        volume = "claim" if storage.get("existingClaim") else modes[0]
        why = "one poller at a time" if storage.get("emptyDir") else \
            f"the old pod lets go of the {volume} volume before the new one starts"
        r.check(load["spec"]["strategy"] == {"type": "Recreate"}, f"{case}: strategy Recreate ({why})",
                json.dumps(load["spec"].get("strategy")))


def exporter_target_keys() -> set[str]:
    """The keys the exporter accepts in a config file's target, read from its sources (ConfigFile's targetKeys, each
    collector's, and each switchable collector's name)."""
    keys: set[str] = set()
    for path in (ROOT / "Sources" / "APIKeyExporter").rglob("*.swift"):
        for match in re.finditer(r"static let targetKeys(?:: Set<String>)? = \[(.*?)\]", path.read_text(), re.S):
            keys |= set(re.findall(r'"([a-z_]+)"', match.group(1)))
    # A switchable collector's key is its name (`SwitchableCollector`): read the name of each one.
    for path in (ROOT / "Sources" / "APIKeyExporter" / "Collectors").rglob("*.swift"):
        text = path.read_text()
        if re.search(r"class \w+: [^{]*\bSwitchableCollector\b", text):
            keys |= set(re.findall(r'static let name = "([a-z_]+)"', text))
    if "public_key" not in keys or "service_accounts" not in keys:
        raise RuntimeError("cannot find the config file's target keys in Sources/APIKeyExporter")
    return keys


def check_target_schema(r: Results) -> None:
    """Every target key the exporter reads is allowed in `targets` (a collector's switch as any boolean key), except the
    secrets, inline or as files, which the chart sets itself."""
    schema = json.loads((chart.CHART / "values.schema.json").read_text())["properties"]["targets"]["items"]
    secrets = {"private_key", "private_key_file", "client_secret", "client_secret_file"}
    # A collector's switch in a target is the collector's name (service_accounts: false).
    names: set[str] = set()
    for path in (ROOT / "Sources" / "APIKeyExporter" / "Collectors").rglob("*.swift"):
        names |= set(re.findall(r'static let name = "([a-z_]+)"', path.read_text()))
    keys = exporter_target_keys()
    collectors = keys & names
    own = keys - secrets - collectors
    r.check(own <= set(schema["properties"]), "the schema allows every target key the exporter reads",
            str(own - set(schema["properties"])))
    r.check(schema["additionalProperties"] == {**schema["additionalProperties"], "type": "boolean"} and collectors,
            f"the schema allows the collectors' switches ({', '.join(sorted(collectors))}) as booleans")
    r.check(not secrets & set(schema["properties"]), "the schema allows no secret key in a target")


def check_config_file(r: Results, case: str, config: dict, targets: list[dict], secret: dict | None) -> None:
    allowed = exporter_target_keys()
    files = config.get("targets") or []
    r.check(len(files) == len(targets), f"{case}: the config file has {len(targets)} targets", json.dumps(config))
    for written, given in zip(files, targets):
        name = given["name"]
        key = given.get("secretKey", name)
        field = "private_key_file" if "public_key" in given else "client_secret_file"
        r.check(set(written) <= allowed, f"{case}: target {name} has only keys the exporter knows",
                str(set(written) - allowed))
        r.check(written.get(field) == f"{CREDENTIALS_DIR}/{key}"
                and not {"private_key", "client_secret"} & set(written),
                f"{case}: target {name} reads its secret from the file {key}", json.dumps(written))
        expected = {k: v for k, v in given.items() if k not in ("secret", "secretKey")}
        r.check({k: v for k, v in written.items() if not k.endswith("_file")} == expected,
                f"{case}: target {name} keeps its settings", json.dumps(written))
        if secret is not None and given.get("secret"):
            r.check(base64.b64decode(secret["data"].get(key, "")).decode() == given["secret"],
                    f"{case}: the chart's Secret holds target {name}'s secret under {key}")


# --- secrets --------------------------------------------------------------------------------------------------------

def check_secrets(r: Results) -> None:
    """A secret given in values appears nowhere in clear (ConfigMaps, args, env, annotations, NOTES), and base64-encoded
    only in a Secret's data."""
    for case, secrets in SECRETS.items():
        output = rendered(case)
        text = "\n".join(output.values())
        docs = chart.documents(output)
        for secret in secrets:
            encoded = base64.b64encode(secret.encode()).decode()
            r.check(secret not in text, f"{case}: {secret[:40]} never in clear")
            outside = [(d["kind"], d["metadata"]["name"]) for _, d in docs
                       if d["kind"] != "Secret" and (encoded in json.dumps(d) or secret in json.dumps(d))]
            r.check(not outside, f"{case}: {secret[:40]} in no ConfigMap, argument, variable or annotation",
                    str(outside))
            inside = [d["metadata"]["name"] for _, d in docs if d["kind"] == "Secret"
                      and any(secret in base64.b64decode(v).decode() for v in (d.get("data") or {}).values())]
            r.check(len(inside) == 1, f"{case}: {secret[:40]} base64-encoded in one Secret's data", str(inside))
        for doc in workloads(docs):
            container = doc["spec"]["template"]["spec"]["containers"][0]
            values = [e.get("value", "") for e in container.get("env", [])] + container["args"]
            r.check(not any(s in v for s in secrets for v in values), f"{case}: no secret in args or env values")


# --- sources --------------------------------------------------------------------------------------------------------

def check_sources(r: Results) -> None:
    (build_info,) = (ROOT / "Sources").rglob("BuildInfo.swift")
    version = re.search(r'static let version = "([^"]+)"', build_info.read_text()).group(1)
    metadata = yaml.safe_load((chart.CHART / "Chart.yaml").read_text())
    r.check(metadata["apiVersion"] == "v2" and str(metadata["appVersion"]) == version,
            f"Chart.yaml: apiVersion v2, appVersion {version} (BuildInfo.version)", json.dumps(metadata))
    templates = "".join(p.read_text() for p in (chart.CHART / "templates").iterdir())
    r.check("Capabilities" not in templates and "lookup" not in templates,
            "templates ask the cluster nothing (no .Capabilities, no lookup): every switch renders offline")
    link = chart.CHART / "files" / "dashboards"
    r.check(link.is_symlink() and link.resolve() == (ROOT / "dashboards").resolve(),
            "files/dashboards links to the repository's dashboards/ (one source)", str(link))

    # helm package follows the link: the archive carries the rules and dashboards (not their promtool tests).
    with tempfile.TemporaryDirectory(prefix="helm-package-") as tmp:
        archive = helm.package(str(chart.CHART), destination=tmp)
        with helm.Chart.load(archive) as packaged:
            names = {f["name"]: f["data"] for f in packaged.files}
        wanted = ["files/dashboards/alerts.yml"] + [f"files/dashboards/{p.name}" for p in (ROOT / "dashboards").glob("*.json")]
        r.check(all(n in names for n in wanted) and not any(n.endswith("_test.yml") for n in names),
                "helm package: the archive holds alerts.yml and the dashboards, not the rule tests", str(sorted(names)))

    docs = objects("prometheus-operator")
    rule = next(d for _, d in docs if d["kind"] == "PrometheusRule")
    source = yaml.safe_load((ROOT / "dashboards/alerts.yml").read_text())
    r.check(rule["spec"] == source and rule["spec"]["groups"] == source["groups"],
            f"PrometheusRule groups equal dashboards/alerts.yml ({sum(len(g['rules']) for g in source['groups'])} rules)")
    promtool = shutil.which("promtool")
    if r.check(promtool is not None, "promtool is installed"):
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as file:
            yaml.safe_dump(rule["spec"], file)
            file.flush()
            result = subprocess.run([promtool, "check", "rules", file.name], capture_output=True, text=True)
            count = sum(len(g["rules"]) for g in source["groups"])
            r.check(result.returncode == 0 and f"SUCCESS: {count} rules found" in result.stdout + result.stderr,
                    "promtool check rules accepts the PrometheusRule's spec", result.stdout + result.stderr)

    dashboards = {p.name: p.read_bytes() for p in sorted((ROOT / "dashboards").glob("*.json"))}
    maps = [d for _, d in docs if d["kind"] == "ConfigMap" and "grafana_dashboard" in d["metadata"]["labels"]]
    held = {key: value for m in maps for key, value in m["data"].items()}
    r.check(set(held) == set(dashboards) and len(maps) == len(dashboards),
            f"one dashboard ConfigMap per dashboards/*.json ({len(dashboards)})", str(sorted(held)))
    for m in maps:
        r.check(m["metadata"]["labels"]["grafana_dashboard"] == "1"
                and m["metadata"]["annotations"] == {"grafana_folder": "Security"},
                f"dashboard ConfigMap {m['metadata']['name']} labelled grafana_dashboard: \"1\"")
    for name, data in dashboards.items():
        r.check(held.get(name, "").encode() == data, f"dashboard ConfigMap holds {name} byte for byte",
                f"{len(held.get(name, ''))} characters against {len(data)} bytes")
    for case in ("defaults", "three-shards"):
        r.check(not any(d["kind"] in ("PrometheusRule", "ServiceMonitor") or
                        "grafana_dashboard" in d["metadata"].get("labels", {}) for _, d in objects(case)),
                f"{case}: no Prometheus Operator object or dashboard unless switched on")

    for case in ("defaults", "three-shards", "web-config"):
        notes = rendered(case)[f"{chart.CHART.name}/templates/NOTES.txt"]
        scheme = "https" if case == "web-config" else "http"
        r.check(f"{scheme}://localhost:10025/ " in notes and f"{scheme}://localhost:10025/metrics" in notes
                and "port-forward" in notes, f"NOTES.txt ({case}): how to reach the status page and /metrics", notes)


# --- deploy/kubernetes ----------------------------------------------------------------------------------------------

def render_kubernetes():
    """deploy/helm/render-kubernetes.py as a module (its values, `plain`, `apply_patch`)."""
    spec = importlib.util.spec_from_file_location("render_kubernetes", chart.HERE / "render-kubernetes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_kubernetes(r: Results) -> None:
    result = subprocess.run([sys.executable, str(chart.HERE / "render-kubernetes.py"), "--check"], capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": PYTHON_PATH})
    r.check(result.returncode == 0, "deploy/kubernetes equals a fresh render of the chart", result.stdout)
    check_storage_components(r)


def check_storage_components(r: Results) -> None:
    """deploy/kubernetes/storage/{statefulset,deployment}: the kustomize components that turn storage on for the plain
    manifests. Each one's patches, applied to the committed manifest, give the chart's workload rendered with storage
    on (and its claim, the chart's claim); the results validate; kubectl kustomize, where installed, builds them so."""
    render = render_kubernetes()
    out = chart.ROOT / "deploy" / "kubernetes"
    built: dict[str, list[dict]] = {}
    for kind, values, manifest in [("StatefulSet", render.SHARDED, "statefulset.yaml"),
                                   ("Deployment", render.SINGLE, "deployment.yaml")]:
        folder = f"storage/{kind.lower()}"
        component = yaml.safe_load((out / folder / "kustomization.yaml").read_text())
        (patch,) = component["patches"]
        ops = yaml.safe_load(patch["patch"])
        base = yaml.safe_load((out / manifest).read_text())
        rendered = chart.render({**values, **render.STORAGE})
        (template,) = [k for k in rendered if k.endswith(f"/templates/{manifest}")]
        wanted = yaml.safe_load(render.plain(rendered[template]))
        patched = render.apply_patch(base, ops)
        r.check(component["kind"] == "Component" and patch["target"] == {
                    "group": "apps", "version": "v1", "kind": kind, "name": base["metadata"]["name"]},
                f"{folder}: a kustomize Component patching the {kind} {base['metadata']['name']}",
                json.dumps(component))
        r.check(patched == wanted, f"{folder}: {manifest} patched by it equals the chart's {kind} with storage on",
                json.dumps(ops))
        claims = [yaml.safe_load((out / folder / name).read_text()) for name in component.get("resources", [])]
        claim_text = rendered.get(f"{chart.CHART.name}/templates/persistentvolumeclaim.yaml", "")
        wanted_claims = [yaml.safe_load(render.plain(claim_text))] if claim_text.strip() else []
        what = "the chart's claim" if wanted_claims else "no claim (the StatefulSet makes one per shard)"
        r.check(claims == wanted_claims and all(c["kind"] == "PersistentVolumeClaim" for c in claims),
                f"{folder}: {what}", json.dumps(claims))
        built[folder] = [wanted] + wanted_claims
    with tempfile.TemporaryDirectory(prefix="storage-components-") as tmp:
        paths = []
        for folder, docs in built.items():
            for doc in docs:
                path = pathlib.Path(tmp) / f"{folder.replace('/', '-')}-{doc['kind'].lower()}.yaml"
                path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
                paths.append(path)
        result = subprocess.run([sys.executable, "-m", "kubernetes_validate", "-k", "1.30.0", "--strict"]
                                + [str(p) for p in paths], capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": PYTHON_PATH})
        output = result.stdout + result.stderr
        r.check(result.returncode == 0 and "ERROR" not in output
                and output.count(" passed for resource ") == len(paths),
                f"kubernetes-validate -k 1.30.0 --strict: the chart's objects with storage on, as the storage "
                f"components make them ({len(paths)} objects)", output[-3000:])
        kubectl = shutil.which("kubectl")
        if kubectl is None:
            print("SKIP kubectl kustomize: kubectl is not installed; the components' patches were applied here only")
            return
        # The sharded set as deploy/kubernetes lists it, and the single replica: deployment.yaml in place of
        # statefulset.yaml (a copy: kustomize reads no file outside the kustomization's folder, and wants relative
        # paths to the folders it reads).
        for folder, kind, docs in [("storage/statefulset", "StatefulSet", built["storage/statefulset"]),
                                   ("storage/deployment", "Deployment", built["storage/deployment"])]:
            overlay = pathlib.Path(tmp) / folder.replace("/", "-")
            overlay.mkdir()
            base_name = "deploy/kubernetes" if kind == "StatefulSet" else "deployment.yaml"
            if kind == "StatefulSet":
                resources = [os.path.relpath(out, overlay)]
            else:
                shutil.copy(out / "deployment.yaml", overlay / "deployment.yaml")
                resources = ["deployment.yaml"]
            (overlay / "kustomization.yaml").write_text(yaml.safe_dump({
                "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources,
                "components": [os.path.relpath(out / folder, overlay)]}), encoding="utf-8")
            result = subprocess.run([kubectl, "kustomize", str(overlay)], capture_output=True, text=True)
            objects_built = {d["kind"]: d for d in yaml.safe_load_all(result.stdout) if d} \
                if result.returncode == 0 else {}
            for doc in objects_built.values():  # the base kustomization's label, not the chart's
                doc["metadata"].get("labels", {}).pop("app.kubernetes.io/part-of", None)
            differing = [objects_built.get(d["kind"]) for d in docs if objects_built.get(d["kind"]) != d]
            r.check(result.returncode == 0 and not differing,
                    f"kubectl kustomize: {folder} on {base_name} builds the chart's {kind} with storage on"
                    + (" and its claim" if len(docs) > 1 else ""),
                    result.stderr[-3000:] if result.returncode else json.dumps(differing)[-3000:])


# --- a local run of the chart's pod ----------------------------------------------------------------------------------

def run_plan(case: str, root: str, api_port: int) -> dict:
    """How to run CASE's container here: its args, its variables and the files of its volumes, moved from
    /etc/mongodb-apikey-exporter to ROOT, listening on 127.0.0.1:0 (logfmt, which the test reads) and polling
    127.0.0.1:API_PORT instead of the API. The Secret's keys are its values' secrets, or stand-ins for an existing one.
    Its writable volumes (the state volume of --storage.path: a claim, a claim template or an emptyDir) become empty
    directories under ROOT, their mount path below it (`directories`, relative to ROOT like the files' paths)."""
    docs = objects(case)
    (load,) = workloads(docs)
    pod = load["spec"]["template"]["spec"]
    container = pod["containers"][0]
    prefix = "/etc/mongodb-apikey-exporter/"
    local = root.rstrip("/") + "/"
    api = f"http://127.0.0.1:{api_port}"
    volumes = {v["name"]: v for v in pod["volumes"]}
    # A StatefulSet's claim templates are volumes of its pods too.
    volumes.update({t["metadata"]["name"]: {"persistentVolumeClaim": {}}
                    for t in load["spec"].get("volumeClaimTemplates", [])})
    files: dict[str, str] = {}
    directories: dict[str, str] = {}  # a writable volume's mount path -> its directory under ROOT
    for mount in container["volumeMounts"]:
        source = volumes[mount["name"]]
        directory = mount["mountPath"].replace(prefix, "")
        if "persistentVolumeClaim" in source or "emptyDir" in source:
            directories[mount["mountPath"]] = mount["mountPath"].strip("/")
        elif "configMap" in source:
            (config_map,) = [d for _, d in docs if d["kind"] == "ConfigMap"
                             and d["metadata"]["name"] == source["configMap"]["name"]]
            for key, text in config_map["data"].items():
                config = yaml.safe_load(text)
                for target in config.get("targets", []):
                    path = target.get("base_url", "https://cloud.mongodb.com/api/atlas/v2").split("/", 3)[3]
                    target["base_url"] = f"{api}/{path}"
                    target.update({k: v.replace(prefix, local) for k, v in target.items() if k.endswith("_file")})
                files[f"{directory}/{key}"] = yaml.safe_dump(config, sort_keys=False)
        elif "secret" in source:
            (created,) = [d for _, d in docs if d["kind"] == "Secret"
                          and d["metadata"]["name"] == source["secret"]["secretName"]] or [None]
            if created is not None:
                for key, value in created["data"].items():
                    files[f"{directory}/{key}"] = base64.b64decode(value).decode()
            else:
                values = CASES[case]
                keys = [t.get("secretKey", t["name"]) for t in values.get("targets", [])] or \
                    ["public-key", "private-key", "client-id", "client-secret"]
                stand_in = {"public-key": "abcdefgh", "client-id": "mdb_sa_id_0123456789abcdef"}
                for key in keys:
                    files[f"{directory}/{key}"] = stand_in.get(key, f"stand-in secret for {key}")
    env = {}
    for variable in container.get("env", []):
        ref = variable["valueFrom"]["secretKeyRef"]
        env[variable["name"]] = files[f"credentials/{ref['key']}"]
    if "--shard.index=from-hostname" in container["args"]:
        env["HOSTNAME"] = f"{load['metadata']['name']}-{load['spec']['replicas'] - 1}"
    args = []
    for arg in container["args"]:
        if arg.startswith("--web.listen-address="):
            arg = "--web.listen-address=127.0.0.1:0"
        elif arg == "--log.format=json":
            arg = "--log.format=logfmt"
        for path, directory in directories.items():
            if arg.endswith(f"={path}"):
                arg = arg[:-len(path)] + local + directory
        args.append(arg.replace(prefix, local))
    if not any(a.startswith("--config.file=") for a in args):
        args.append(f"--atlas.base-url={api}/api/atlas/v2")
    return {"args": args, "env": env, "files": files, "directories": sorted(directories.values())}


CHECKS = {
    "lint": check_lint,
    "schema": check_schema,
    "validate": check_validate,
    "checkov": check_checkov,
    "workloads": check_workloads,
    "secrets": check_secrets,
    "sources": check_sources,
    "rules": check_rules.check_rules,
    "kubernetes": check_kubernetes,
}


def main(argv: list[str]) -> int:
    if argv[:1] == ["run-plan"]:
        print(json.dumps(run_plan(argv[1], argv[2], int(argv[3]))))
        return 0
    if argv[:1] == ["probes"]:
        (load,) = workloads(objects(argv[1]))
        container = load["spec"]["template"]["spec"]["containers"][0]
        print(json.dumps({"liveness": container["livenessProbe"], "readiness": container["readinessProbe"],
                          "args": container["args"]}))
        return 0
    names = argv or list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        print(f"unknown check(s) {unknown}; known: {', '.join(CHECKS)}, probes CASE", file=sys.stderr)
        return 2
    ok = True
    for name in names:
        results = Results(name)
        try:
            CHECKS[name](results)
        except Exception as error:  # a check that crashes fails, with its reason
            results.check(False, f"{name} ran to its end", f"{type(error).__name__}: {error}")
        ok = results.close() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
