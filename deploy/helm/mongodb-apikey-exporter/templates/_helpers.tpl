{{/* The chart name, at most 63 characters. */}}
{{- define "exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The resources' name: the release name, plus the chart name unless the release name already holds it. */}}
{{- define "exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "exporter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "exporter.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* Sharded: a StatefulSet of several pods. */}}
{{- define "exporter.sharded" -}}
{{- if gt (int .Values.sharding.replicas) 1 }}true{{ end }}
{{- end }}

{{/* The Secret holding the credentials: the user's, or the chart's own name (created from values, or by hand). */}}
{{- define "exporter.credentialsSecret" -}}
{{- default (printf "%s-credentials" (include "exporter.fullname" .)) .Values.credentials.existingSecret }}
{{- end }}

{{/* Whether the chart creates the credentials Secret: some secret is given in values. */}}
{{- define "exporter.createCredentials" -}}
{{- $given := or .Values.credentials.privateKey .Values.credentials.clientSecret }}
{{- range .Values.targets }}{{ if .secret }}{{ $given = true }}{{ end }}{{ end }}
{{- if and $given .Values.credentials.existingSecret }}
{{- fail "credentials.existingSecret is set: put the private key or client secret in that Secret, not in values" }}
{{- end }}
{{- if $given }}true{{ end }}
{{- end }}

{{/* The key of a target's secret in the credentials Secret. */}}
{{- define "exporter.targetSecretKey" -}}
{{- $key := default .name .secretKey }}
{{- if not (regexMatch "^[-._a-zA-Z0-9]+$" $key) }}
{{- fail (printf "targets: %q cannot be a Secret key: give the target a secretKey of letters, digits, '-', '_' and '.'" $key) }}
{{- end }}
{{- $key }}
{{- end }}

{{- define "exporter.credentialsDir" }}/etc/mongodb-apikey-exporter/credentials{{ end }}
{{- define "exporter.configDir" }}/etc/mongodb-apikey-exporter/config{{ end }}
{{- define "exporter.webDir" }}/etc/mongodb-apikey-exporter/web{{ end }}
{{- define "exporter.tlsDir" }}/etc/mongodb-apikey-exporter/tls{{ end }}
{{- define "exporter.storageDir" }}/var/lib/mongodb-apikey-exporter{{ end }}

{{/* Where the state volume (--storage.path) comes from: empty (storage off), emptyDir, existingClaim, claim (the
   chart's PersistentVolumeClaim) or claimTemplate (the StatefulSet's volumeClaimTemplates: one volume per shard, as
   each shard polls other organizations). Refuses the contradictions. */}}
{{- define "exporter.storageVolume" -}}
{{- $storage := .Values.storage }}
{{- if $storage.enabled }}
{{- if and $storage.existingClaim $storage.emptyDir }}
{{- fail "storage: set existingClaim or emptyDir, not both" }}
{{- end }}
{{- if $storage.emptyDir }}emptyDir
{{- else if include "exporter.sharded" . }}
{{- if $storage.existingClaim }}
{{- fail "storage.existingClaim: one claim cannot hold the state of several shards (sharding.replicas > 1); leave it empty: the StatefulSet makes one volume per shard" }}
{{- end }}claimTemplate
{{- else if $storage.existingClaim }}existingClaim
{{- else }}claim
{{- end }}
{{- end }}
{{- end }}

{{/* The spec of the chart's PersistentVolumeClaim, or of the StatefulSet's claim template. storageClassName "-" asks
   for no class (a statically provisioned volume); empty leaves it out (the cluster's default class). */}}
{{- define "exporter.storageClaimSpec" -}}
accessModes:
  {{- toYaml .Values.storage.accessModes | nindent 2 }}
{{- with .Values.storage.storageClassName }}
storageClassName: {{ if eq . "-" }}""{{ else }}{{ . | quote }}{{ end }}
{{- end }}
resources:
  requests:
    storage: {{ .Values.storage.size | quote }}
{{- end }}

{{/* The config file (--config.file) for `targets`: their keys (name first), with the secret's file in place of the
   chart's own keys (secret, secretKey). */}}
{{- define "exporter.configFile" -}}
{{- with .Values.ownerLabels }}
owner_labels:
  {{- toYaml . | nindent 2 }}
{{- end }}
targets:
{{- range .Values.targets }}
{{- $target := omit . "name" "secret" "secretKey" }}
{{- $file := printf "%s/%s" (include "exporter.credentialsDir" $) (include "exporter.targetSecretKey" .) }}
{{- if .public_key }}
{{- $_ := set $target "private_key_file" $file }}
{{- else }}
{{- $_ := set $target "client_secret_file" $file }}
{{- end }}
  - name: {{ .name | toYaml }}
    {{- toYaml $target | nindent 4 }}
{{- end }}
{{- end }}

{{/* Whether the web server serves HTTPS, and whether it makes clients authenticate (then probes are TCP connects). */}}
{{- define "exporter.webTLS" -}}
{{- if and .Values.webConfig.enabled (or .Values.webConfig.tls (hasKey .Values.webConfig.config "tls_server_config")) }}true{{ end }}
{{- end }}
{{- define "exporter.webClientAuth" -}}
{{- $config := .Values.webConfig.config }}
{{- /* The exporter requires a client certificate with client_auth_type RequireAndVerifyClientCert, or with a
       client_ca_file and no client_auth_type. */}}
{{- $tlsConfig := default (dict) $config.tls_server_config }}
{{- $clientCert := or (eq (toString $tlsConfig.client_auth_type) "RequireAndVerifyClientCert") (and $tlsConfig.client_ca_file (not $tlsConfig.client_auth_type)) }}
{{- if and .Values.webConfig.enabled (or .Values.webConfig.clientAuth (hasKey $config "basic_auth_users") $clientCert) }}true{{ end }}
{{- end }}

{{- define "exporter.webSecret" -}}
{{- default (printf "%s-web" (include "exporter.fullname" .)) .Values.webConfig.existingSecret }}
{{- end }}

{{/* Whether the public key or client id (identifiers, not secrets) comes from the Secret as a variable. */}}
{{- define "exporter.identityFromSecret" -}}
{{- $credentials := .Values.credentials }}
{{- if and (not .Values.targets) (or (and (eq $credentials.kind "apiKey") (not $credentials.publicKey)) (and (eq $credentials.kind "serviceAccount") (not $credentials.clientId))) }}true{{ end }}
{{- end }}

{{/* checkov skips of the workload, each with its reason (checkov reads "CHECK_ID=reason"). */}}
{{- define "exporter.workloadAnnotations" -}}
{{- $skips := list }}
{{- if not .Values.image.digest }}
{{- $skips = append $skips "CKV_K8S_43=The image is built from this repository's Dockerfile and tagged by release; set image.digest to pull it by digest." }}
{{- end }}
{{- if include "exporter.identityFromSecret" . }}
{{- $skips = append $skips "CKV_K8S_35=The one variable from the Secret is the API public key or the service account's client id, an identifier and no secret; the private key or client secret is a mounted file. Set credentials.publicKey or credentials.clientId to pass it as a flag instead." }}
{{- end }}
{{- if not .Values.networkPolicy.enabled }}
{{- $skips = append $skips "CKV2_K8S_6=networkPolicy.enabled is false: the release turned the chart's NetworkPolicy off, leaving the pods to the cluster's own policies." }}
{{- end }}
{{- if $skips }}
annotations:
{{- range $index, $skip := $skips }}
  checkov.io/skip{{ add1 $index }}: {{ $skip | quote }}
{{- end }}
{{- end }}
{{- end }}
