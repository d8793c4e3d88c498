// prom-client's entry point also loads its cluster, push gateway and default-metrics
// modules, which need Node built-ins the edge runtimes lack. The receiver uses only these.
export { default as Counter } from "prom-client/lib/counter.js";
export { default as Histogram } from "prom-client/lib/histogram.js";
export { default as Registry } from "prom-client/lib/registry.js";
