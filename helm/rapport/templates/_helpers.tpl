{{/*
Names and labels.
Every per-service resource is named `<prefix>-<service>`, the prefix being the release name (or
fullnameOverride), so the gateway reaches a service at http://<release>-<service>:3000.
*/}}
{{- define "rapport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "rapport.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "rapport.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every resource. Context: the root. */}}
{{- define "rapport.labels" -}}
helm.sh/chart: {{ include "rapport.chart" . }}
app.kubernetes.io/name: {{ include "rapport.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rapport
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of a service's pods. Context: dict root, svc. */}}
{{- define "rapport.svc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rapport.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .svc.name }}
{{- end -}}

{{/* Labels of a service's resources. Context: dict root, svc. */}}
{{- define "rapport.svc.labels" -}}
{{ include "rapport.labels" .root }}
app.kubernetes.io/component: {{ .svc.name }}
{{- end -}}

{{/* Labels of hook Job pods: never the selector labels of a Deployment. Context: dict root, job, service. */}}
{{- define "rapport.hook.labels" -}}
{{ include "rapport.labels" .root }}
app.kubernetes.io/component: {{ .job }}
rapport.io/hook: "true"
{{- with .service }}
rapport.io/service: {{ . }}
{{- end }}
{{- end -}}

{{/*
Deep merge that keeps `false`, `0` and "" from the override (sprig's merge helpers drop them).
Maps merge key by key; lists and scalars from the override replace. Mutates .dst.
*/}}
{{- define "rapport.mergeInto" -}}
{{- $dst := .dst -}}
{{- range $k, $v := .src -}}
{{- $cur := get $dst $k -}}
{{- if and (kindIs "map" $v) (kindIs "map" $cur) -}}
{{- include "rapport.mergeInto" (dict "dst" $cur "src" $v) -}}
{{- else -}}
{{- $_ := set $dst $k (deepCopy $v) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Loads one service's effective settings into .out: serviceDefaults merged with services.<name>,
plus computed fields (name, fullname, envName, schema, isGateway, image, serviceAccountName).
Context: dict root, name, out. Renders nothing.
*/}}
{{- define "rapport.svc.load" -}}
{{- $root := .root -}}
{{- $out := .out -}}
{{- $merged := deepCopy $root.Values.serviceDefaults -}}
{{- include "rapport.mergeInto" (dict "dst" $merged "src" (index $root.Values.services .name | default dict)) -}}
{{- range $k, $v := $merged -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- $fullname := printf "%s-%s" (include "rapport.fullname" $root) .name | trunc 63 | trimSuffix "-" -}}
{{- $_ := set $out "name" .name -}}
{{- $_ := set $out "fullname" $fullname -}}
{{- $_ := set $out "envName" (.name | upper | replace "-" "_") -}}
{{- $_ := set $out "schema" (default (.name | replace "-" "_") $merged.database.schema) -}}
{{- $_ := set $out "isGateway" (eq .name $root.Values.gatewayService) -}}
{{- $_ := set $out "serviceAccountName" (ternary (default $fullname $merged.serviceAccount.name) (default "default" $merged.serviceAccount.name) $merged.serviceAccount.create) -}}
{{- if not $merged.image.repository -}}
{{- fail (printf "services.%s.image.repository is required (is %q a typo? services: %s)" .name .name (keys $root.Values.services | sortAlpha | join ", ")) -}}
{{- end -}}
{{- $registry := default $root.Values.image.registry $merged.image.registry -}}
{{- $tag := default (default $root.Chart.AppVersion $root.Values.image.tag) $merged.image.tag | toString -}}
{{- if eq $tag "latest" -}}
{{- fail (printf "services.%s: the image tag must not be 'latest'; pin a version" .name) -}}
{{- end -}}
{{- $image := printf "%s:%s" $merged.image.repository $tag -}}
{{- if $registry -}}{{- $image = printf "%s/%s" $registry $image -}}{{- end -}}
{{- with $merged.image.digest -}}{{- $image = printf "%s@%s" $image . -}}{{- end -}}
{{- $_ := set $out "imageRef" $image -}}
{{- end -}}

{{/* Names of the enabled services, as a JSON list. Context: the root. */}}
{{- define "rapport.enabledServices" -}}
{{- $names := list -}}
{{- range $name, $_ := .Values.services -}}
{{- $svc := dict -}}
{{- include "rapport.svc.load" (dict "root" $ "name" $name "out" $svc) -}}
{{- if $svc.enabled -}}{{- $names = append $names $name -}}{{- end -}}
{{- end -}}
{{- toJson $names -}}
{{- end -}}

{{- define "rapport.hooks.serviceAccountName" -}}
{{- printf "%s-hooks" (include "rapport.fullname" .) -}}
{{- end -}}

{{/*
Non-secret environment of a service, as a YAML map of strings: the ConfigMap's data, and the inline
env of its migration Job (hooks run before the release's ConfigMaps exist). Context: dict root, svc.
*/}}
{{- define "rapport.svc.configEnv" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
NODE_ENV: "production"
PORT: {{ $svc.containerPort | quote }}
LOG_LEVEL: {{ $svc.logLevel | quote }}
RAPPORT_SERVICE: {{ $svc.name | quote }}
DB_SCHEMA: {{ $svc.schema | quote }}
DB_POOL_MAX: {{ $svc.database.poolMax | quote }}
DB_MIGRATE_ON_START: "false"
DATABASE_SSL: {{ $v.database.ssl | quote }}
{{ include "rapport.kafkaConfigEnv" $root }}
OTEL_SERVICE_NAME: {{ $svc.name | quote }}
{{ include "rapport.otelConfigEnv" $root }}
{{- if $v.caBundle.existingSecret }}
NODE_EXTRA_CA_CERTS: {{ printf "/etc/rapport/ca/%s" $v.caBundle.key | quote }}
{{- end }}
{{- if $svc.isGateway }}
OIDC_ISSUER: {{ $v.oidc.issuer | quote }}
OIDC_AUDIENCE: {{ $v.oidc.audience | quote }}
{{- with $v.oidc.clientId }}
OIDC_CLIENT_ID: {{ . | quote }}
{{- end }}
{{- range $name := include "rapport.enabledServices" $root | fromJsonArray }}
{{- if ne $name $svc.name }}
{{- $peer := dict }}
{{- include "rapport.svc.load" (dict "root" $root "name" $name "out" $peer) }}
SERVICE_URL_{{ $peer.envName }}: {{ printf "http://%s:%v" $peer.fullname $peer.service.port | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- range $k, $val := $svc.env }}
{{ $k }}: {{ $val | toString | quote }}
{{- end }}
{{- end -}}

{{- define "rapport.kafkaConfigEnv" -}}
{{- $k := .Values.kafka -}}
KAFKA_BROKERS: {{ join "," $k.brokers | quote }}
KAFKA_SSL: {{ $k.tls | quote }}
{{- if $k.sasl.enabled }}
KAFKA_SASL_MECHANISM: {{ $k.sasl.mechanism | quote }}
{{- end }}
{{- end -}}

{{- define "rapport.otelConfigEnv" -}}
{{- $o := .Values.otel -}}
OTEL_TRACES_EXPORTER: {{ ternary "otlp" "none" $o.enabled | quote }}
OTEL_METRICS_EXPORTER: "none"
OTEL_LOGS_EXPORTER: "none"
OTEL_PROPAGATORS: "tracecontext,baggage"
OTEL_TRACES_SAMPLER: {{ $o.sampler | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ $o.samplerArg | quote }}
{{- if $o.enabled }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ $o.endpoint | quote }}
OTEL_EXPORTER_OTLP_PROTOCOL: {{ $o.protocol | quote }}
{{- end }}
{{- end -}}

{{/* A YAML map of strings rendered as an env list. Context: the map. */}}
{{- define "rapport.envList" -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Kafka SASL credentials as env entries. Context: dict root, secret (Secret name override). */}}
{{- define "rapport.kafkaSecretEnv" -}}
{{- $k := .root.Values.kafka -}}
{{- if $k.sasl.enabled }}
{{- $secret := default $k.sasl.existingSecret .secret }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $k.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $k.sasl.passwordKey }}
{{- end }}
{{- end -}}

{{/* Secret environment of a service, by reference only. Context: dict root, svc. */}}
{{- define "rapport.svc.secretEnv" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $v := $root.Values -}}
{{- $dbSecret := default $v.database.existingSecret $svc.database.existingSecret -}}
{{- if $v.database.host }}
- name: DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ $dbSecret }}
      key: {{ default (printf "%s-database-username" $svc.name) $svc.database.usernameKey }}
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $dbSecret }}
      key: {{ default (printf "%s-database-password" $svc.name) $svc.database.passwordKey }}
- name: DATABASE_URL
  value: {{ printf "postgresql://$(DB_USER):$(DB_PASSWORD)@%s:%v/%s" $v.database.host $v.database.port $v.database.name | quote }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $dbSecret }}
      key: {{ default (printf "%s-database-url" $svc.name) $svc.database.urlKey }}
{{- end }}
{{- include "rapport.kafkaSecretEnv" (dict "root" $root "secret" $svc.kafka.existingSecret) }}
- name: INTERNAL_AUTH_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $v.internalAuth.existingSecret }}
      key: {{ $v.internalAuth.key }}
{{- if eq $svc.name "customer-profile" }}
- name: CONTACT_FINGERPRINT_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.contactFingerprint.existingSecret }}
      key: {{ $v.contactFingerprint.key }}
{{- end }}
{{- if $svc.isGateway }}
- name: ERASURE_RECEIPT_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.erasureReceipt.existingSecret }}
      key: {{ $v.erasureReceipt.key }}
{{- end }}
{{- if and $svc.isGateway $v.oidc.existingSecret }}
- name: OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $v.oidc.existingSecret }}
      key: {{ $v.oidc.clientSecretKey }}
{{- end }}
{{- range $svc.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
      {{- if hasKey . "optional" }}
      optional: {{ .optional }}
      {{- end }}
{{- end }}
{{- end -}}

{{/* Where the pod runs, for traces and logs. Context: dict root, svc. */}}
{{- define "rapport.podIdentityEnv" -}}
- name: K8S_POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: K8S_NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- $attrs := list "service.namespace=rapport" (printf "service.version=%s" .root.Chart.AppVersion) "k8s.pod.name=$(K8S_POD_NAME)" "k8s.namespace.name=$(K8S_NAMESPACE)" "k8s.node.name=$(K8S_NODE_NAME)" }}
{{- range $k, $v := .root.Values.otel.resourceAttributes }}
{{- $attrs = append $attrs (printf "%s=%s" $k $v) }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ join "," $attrs | quote }}
{{- end -}}

{{/* Writable /tmp and the optional CA bundle. Context: dict root, svc. */}}
{{- define "rapport.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .root.Values.caBundle.existingSecret }}
- name: ca-bundle
  mountPath: /etc/rapport/ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "rapport.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .svc.tmpSizeLimit }}
{{- if .root.Values.caBundle.existingSecret }}
- name: ca-bundle
  secret:
    secretName: {{ .root.Values.caBundle.existingSecret }}
    defaultMode: 0444
    items:
      - key: {{ .root.Values.caBundle.key }}
        path: {{ .root.Values.caBundle.key }}
{{- end }}
{{- end -}}

{{- define "rapport.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
An HTTP probe from the settings, or the custom probe when given. Context: dict settings, custom, port.
*/}}
{{- define "rapport.probe" -}}
{{- if .custom -}}
{{ toYaml .custom }}
{{- else -}}
httpGet:
  path: {{ .settings.path }}
  port: {{ .port }}
initialDelaySeconds: {{ .settings.initialDelaySeconds }}
periodSeconds: {{ .settings.periodSeconds }}
timeoutSeconds: {{ .settings.timeoutSeconds }}
failureThreshold: {{ .settings.failureThreshold }}
successThreshold: {{ .settings.successThreshold }}
{{- end -}}
{{- end -}}

{{/*
An egress rule to a configured peer (cidrs, namespaceSelector, podSelector) on its TCP ports (and UDP
with .udp), as a one-item YAML list. With no CIDR and no selector the rule has no `to`: its ports are
then open to any address.
*/}}
{{- define "rapport.np.egressRule" -}}
{{- $to := list -}}
{{- range .peer.cidrs -}}
{{- $to = append $to (dict "ipBlock" (dict "cidr" .)) -}}
{{- end -}}
{{- $sel := dict -}}
{{- with .peer.namespaceSelector -}}{{- $_ := set $sel "namespaceSelector" . -}}{{- end -}}
{{- with .peer.podSelector -}}{{- $_ := set $sel "podSelector" . -}}{{- end -}}
{{- if $sel -}}{{- $to = append $to $sel -}}{{- end -}}
{{- $ports := list -}}
{{- range .peer.ports -}}
{{- if $.udp -}}{{- $ports = append $ports (dict "protocol" "UDP" "port" (int .)) -}}{{- end -}}
{{- $ports = append $ports (dict "protocol" "TCP" "port" (int .)) -}}
{{- end -}}
{{- $rule := dict "ports" $ports -}}
{{- if $to -}}{{- $_ := set $rule "to" $to -}}{{- end -}}
{{- toYaml (list $rule) -}}
{{- end -}}

{{/* An ingress rule from a selector peer (namespaceSelector and/or podSelector) to the http port. */}}
{{- define "rapport.np.ingressFromSelectors" -}}
{{- $peer := dict "podSelector" (default (dict) .podSelector) -}}
{{- with .namespaceSelector -}}{{- $_ := set $peer "namespaceSelector" . -}}{{- end -}}
{{- toYaml (list (dict "from" (list $peer) "ports" (list (dict "protocol" "TCP" "port" "http")))) -}}
{{- end -}}
