/** Where the dashboards live; Grafana's provisioning ConfigMap embeds every file there. */
export const dashboardsDir = "manifests/dashboards";
