{{/* The pod template shared by the Deployment (one replica) and the StatefulSet (shards). */}}
{{- define "exporter.podTemplate" -}}
{{- $sharded := include "exporter.sharded" . }}
{{- $tls := include "exporter.webTLS" . }}
{{- $clientAuth := include "exporter.webClientAuth" . }}
{{- $storage := include "exporter.storageVolume" . }}
{{- $credentials := .Values.credentials }}
{{- /* A changed config file or created Secret rolls the pods (a digest: never the secret itself). */}}
{{- $annotations := dict }}
{{- if .Values.targets }}
{{- $_ := set $annotations "checksum/config" (include "exporter.configFile" . | sha256sum) }}
{{- end }}
{{- if include "exporter.createCredentials" . }}
{{- $_ := set $annotations "checksum/credentials" (include (print $.Template.BasePath "/secret.yaml") . | sha256sum) }}
{{- end }}
{{- if and .Values.webConfig.enabled (not .Values.webConfig.existingSecret) }}
{{- $_ := set $annotations "checksum/web-config" (toYaml .Values.webConfig.config | sha256sum) }}
{{- end }}
{{- $annotations = merge $annotations .Values.podAnnotations }}
metadata:
  labels:
    {{- include "exporter.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "exporter.serviceAccountName" . }}
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: exporter
      image: {{ include "exporter.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args:
        {{- if .Values.targets }}
        - --config.file={{ include "exporter.configDir" . }}/exporter.yml
        {{- else }}
        {{- if ne .Values.atlas.baseUrl "https://cloud.mongodb.com/api/atlas/v2" }}
        - {{ printf "--atlas.base-url=%s" .Values.atlas.baseUrl | quote }}
        {{- end }}
        {{- range .Values.atlas.orgIds }}
        - {{ printf "--atlas.org-id=%s" . | quote }}
        {{- end }}
        {{- if eq $credentials.kind "apiKey" }}
        {{- with $credentials.publicKey }}
        - {{ printf "--atlas.public-key=%s" . | quote }}
        {{- end }}
        - --atlas.private-key-file={{ include "exporter.credentialsDir" . }}/private-key
        {{- else }}
        {{- with $credentials.clientId }}
        - {{ printf "--atlas.client-id=%s" . | quote }}
        {{- end }}
        - --atlas.client-secret-file={{ include "exporter.credentialsDir" . }}/client-secret
        {{- end }}
        {{- end }}
        {{- if $sharded }}
        - --shard.count={{ int .Values.sharding.replicas }}
        - --shard.index=from-hostname
        {{- end }}
        - --web.listen-address=:{{ int .Values.web.port }}
        {{- if ne .Values.web.telemetryPath "/metrics" }}
        - {{ printf "--web.telemetry-path=%s" .Values.web.telemetryPath | quote }}
        {{- end }}
        {{- if .Values.webConfig.enabled }}
        - {{ printf "--web.config.file=%s/%s" (include "exporter.webDir" .) .Values.webConfig.secretKey | quote }}
        {{- end }}
        {{- with .Values.exporter.pollInterval }}
        - {{ printf "--poll.interval=%s" . | quote }}
        {{- end }}
        {{- with .Values.exporter.pollConcurrency }}
        - --poll.concurrency={{ int . }}
        {{- end }}
        - --log.level={{ .Values.exporter.logLevel }}
        - --log.format={{ .Values.exporter.logFormat }}
        {{- if $storage }}
        - --storage.path={{ include "exporter.storageDir" . }}
        {{- end }}
        {{- range .Values.exporter.extraArgs }}
        - {{ . | quote }}
        {{- end }}
      {{- if include "exporter.identityFromSecret" . }}
      {{- /* The public key or client id (not secrets) from the Secret, by reference. */}}
      env:
        {{- if eq $credentials.kind "apiKey" }}
        - name: MONGODB_ATLAS_PUBLIC_KEY
          valueFrom:
            secretKeyRef:
              name: {{ include "exporter.credentialsSecret" . }}
              key: public-key
        {{- else }}
        - name: MONGODB_ATLAS_CLIENT_ID
          valueFrom:
            secretKeyRef:
              name: {{ include "exporter.credentialsSecret" . }}
              key: client-id
        {{- end }}
      {{- end }}
      ports:
        - name: http-metrics
          containerPort: {{ int .Values.web.port }}
          protocol: TCP
      {{- /* The kubelet sends no password or client certificate: with client authentication /-/ready gets 401 (or a
             refused handshake) from a healthy exporter, so the probes connect to the port. */}}
      livenessProbe:
        {{- if $clientAuth }}
        tcpSocket:
          port: http-metrics
        {{- else }}
        httpGet:
          path: /-/healthy
          port: http-metrics
          scheme: {{ if $tls }}HTTPS{{ else }}HTTP{{ end }}
        {{- end }}
        periodSeconds: {{ int .Values.probes.livenessPeriodSeconds }}
        timeoutSeconds: {{ int .Values.probes.timeoutSeconds }}
        failureThreshold: {{ int .Values.probes.failureThreshold }}
      readinessProbe:
        {{- if $clientAuth }}
        tcpSocket:
          port: http-metrics
        {{- else }}
        httpGet:
          path: /-/ready
          port: http-metrics
          scheme: {{ if $tls }}HTTPS{{ else }}HTTP{{ end }}
        {{- end }}
        periodSeconds: {{ int .Values.probes.readinessPeriodSeconds }}
        timeoutSeconds: {{ int .Values.probes.timeoutSeconds }}
        failureThreshold: {{ int .Values.probes.failureThreshold }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: credentials
          mountPath: {{ include "exporter.credentialsDir" . }}
          readOnly: true
        {{- if .Values.targets }}
        - name: config
          mountPath: {{ include "exporter.configDir" . }}
          readOnly: true
        {{- end }}
        {{- if .Values.webConfig.enabled }}
        - name: web-config
          mountPath: {{ include "exporter.webDir" . }}
          readOnly: true
        {{- end }}
        {{- if and .Values.webConfig.enabled .Values.webConfig.tlsSecret }}
        - name: web-tls
          mountPath: {{ include "exporter.tlsDir" . }}
          readOnly: true
        {{- end }}
        {{- if $storage }}
        {{- /* Writable by the pod's group: fsGroup (podSecurityContext) owns the volume. */}}
        - name: storage
          mountPath: {{ include "exporter.storageDir" . }}
        {{- end }}
  volumes:
    - name: credentials
      secret:
        secretName: {{ include "exporter.credentialsSecret" . }}
        defaultMode: 0440
    {{- if .Values.targets }}
    - name: config
      configMap:
        name: {{ include "exporter.fullname" . }}-config
    {{- end }}
    {{- if .Values.webConfig.enabled }}
    - name: web-config
      secret:
        secretName: {{ include "exporter.webSecret" . }}
        defaultMode: 0440
    {{- end }}
    {{- if and .Values.webConfig.enabled .Values.webConfig.tlsSecret }}
    - name: web-tls
      secret:
        secretName: {{ .Values.webConfig.tlsSecret }}
        defaultMode: 0440
    {{- end }}
    {{- if eq $storage "emptyDir" }}
    {{- /* Kept across the container's restarts (a crash, an OOM kill), not when the pod is replaced. */}}
    - name: storage
      emptyDir:
        sizeLimit: {{ .Values.storage.size | quote }}
    {{- else if has $storage (list "claim" "existingClaim") }}
    - name: storage
      persistentVolumeClaim:
        claimName: {{ default (printf "%s-storage" (include "exporter.fullname" .)) .Values.storage.existingClaim }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
