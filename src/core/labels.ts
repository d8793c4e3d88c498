/**
 * The label every alert carries to say which environment it is about. Prometheus's scrape
 * relabelling sets it on every target, the rules keep it through every aggregation, and
 * Alertmanager and the receiver route, group and show alerts by it.
 */
export const environmentLabel = "environment";
