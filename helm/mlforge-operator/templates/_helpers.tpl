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
# Exactly what the operator does, each rule needed by a scenario of e2e-tests/sandbox ChartRbacE2ETest (which fails on
# a rule no scenario uses and on any request the API server denies). "get" comes with "list" where the operator lists.
# MLForge resources: informers (list, watch), finalizers and a search's edits of its trials (patch), status (update).
# TrainingJobs are also created and deleted by label as a TuningJob's trials, and read as an Endpoint's model source.
- apiGroups: ["mlforge.io"]
  resources: ["trainingjobs"]
  verbs: ["get", "list", "watch", "create", "patch", "deletecollection"]
- apiGroups: ["mlforge.io"]
  resources: ["tuningjobs", "endpoints"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["mlforge.io"]
  resources: ["trainingjobs/status", "tuningjobs/status", "endpoints/status"]
  verbs: ["update"]
# Owner references that block deletion (where OwnerReferencesPermissionEnforcement is on, as on OpenShift).
- apiGroups: ["mlforge.io"]
  resources: ["trainingjobs/finalizers", "tuningjobs/finalizers", "endpoints/finalizers"]
  verbs: ["update"]
# In-cluster training: one Pod per instance and a headless Service for rendezvous; a stopped attempt's running pods
# and Service are deleted by name, a deleted job's by label.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch", "create", "delete", "deletecollection"]
# Training metrics are parsed from the rank-0 trainer's log.
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
# Services: training rendezvous (above) and one per in-cluster Endpoint variant (cached: list, watch).
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "delete", "deletecollection"]
# Kubernetes Events for what the operator did and how things ended; patch counts a repeated identical Event on one.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
# In-cluster serving: a Deployment and an autoscaler per variant, a Gateway API route for weighted traffic.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete", "deletecollection"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["get", "list", "watch", "create", "update", "delete", "deletecollection"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "create", "update", "deletecollection"]
- apiGroups: ["keda.sh"]
  resources: ["scaledobjects"]
  verbs: ["get", "create", "update", "delete", "deletecollection"]
# Kueue: the Workload of a queued training attempt's pod group, read for Kueue's reason while it waits.
- apiGroups: ["kueue.x-k8s.io"]
  resources: ["workloads"]
  verbs: ["get"]
{{- end -}}
