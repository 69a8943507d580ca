{{- define "syndicate-coordinator.labels" -}}
app.kubernetes.io/name: syndicate-coordinator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
{{- define "syndicate-coordinator.selector" -}}
app.kubernetes.io/name: syndicate-coordinator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
