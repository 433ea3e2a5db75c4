{{/* The release's base name, at most 63 characters (a DNS label). */}}
{{- define "sim.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "sim.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "sim.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "sim.scenarioConfigMap" -}}
{{- .Values.existingScenarioConfigMap | default (printf "%s-scenario" (include "sim.fullname" .)) -}}
{{- end -}}

{{- define "sim.hasScenario" -}}
{{- if or .Values.existingScenarioConfigMap .Values.scenario -}}true{{- end -}}
{{- end -}}

{{- define "sim.adminSecret" -}}
{{- .Values.adminToken.existingSecret | default (printf "%s-admin" (include "sim.fullname" .)) -}}
{{- end -}}

{{- define "sim.hasAdminToken" -}}
{{- if or .Values.adminToken.existingSecret .Values.adminToken.value -}}true{{- end -}}
{{- end -}}
