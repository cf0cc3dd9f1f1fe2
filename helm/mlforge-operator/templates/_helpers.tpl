{{- define "mlforge.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "mlforge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mlforge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "mlforge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: mlforge
{{- end -}}

{{- define "mlforge.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mlforge.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mlforge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mlforge.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Leader election is on with more than one replica, or when asked for. */}}
{{- define "mlforge.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* The rules the operator needs in every namespace it watches. */}}
{{- define "mlforge.operatorRules" -}}
# The MLForge resources: watch them, add finalizers, write status.
# (deletecollection: a TuningJob's trials are deleted by label when the search is deleted)
- apiGroups: ["mlforge.io"]
  resources: ["trainingjobs", "tuningjobs", "endpoints"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
- apiGroups: ["mlforge.io"]
  resources: ["trainingjobs/status", "tuningjobs/status", "endpoints/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["mlforge.io"]
  resources: ["trainingjobs/finalizers", "tuningjobs/finalizers", "endpoints/finalizers"]
  verbs: ["update"]
# In-cluster training: one Pod per instance, a headless Service for rendezvous, the /opt/ml/input/config files
# (an attempt's objects are deleted by label: deletecollection).
- apiGroups: [""]
  resources: ["pods", "services", "configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
# Training metrics are parsed from the rank-0 trainer's log.
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
# pvc:// channels and models: check the claim exists before starting.
- apiGroups: [""]
  resources: ["persistentvolumeclaims"]
  verbs: ["get", "list", "watch"]
# Kubernetes Events on every transition.
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
# In-cluster serving: Deployments, autoscalers, Gateway API routes for weighted traffic.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end -}}
