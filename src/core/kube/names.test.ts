import { describe, expect, test } from "bun:test";
import { namespaceProblem, objectNameProblem } from "./names.ts";

describe("Kubernetes names", () => {
  test("most kinds take a DNS-1123 subdomain of at most 253 characters", () => {
    expect(objectNameProblem("ConfigMap", "prometheus-config.v2")).toBeUndefined();
    expect(objectNameProblem("Deployment", "a".repeat(253))).toBeUndefined();
    expect(objectNameProblem("ConfigMap", "a".repeat(254))).toBe(
      "it has 254 characters, and the limit is 253",
    );
    for (const bad of [
      "Upper",
      "../escape",
      "a/b",
      "-lead",
      "trail-",
      "a..b",
      "under_score",
      "space d",
      "",
    ]) {
      expect(objectNameProblem("ConfigMap", bad)).toContain("it must be a DNS-1123 subdomain");
    }
  });

  test("Namespace takes a DNS-1123 label, Service a DNS-1035 label", () => {
    expect(objectNameProblem("Namespace", "observability")).toBeUndefined();
    expect(objectNameProblem("Namespace", "a.b")).toContain("DNS-1123 label");
    expect(objectNameProblem("Namespace", "a".repeat(64))).toBe("it has 64 characters, and the limit is 63");
    expect(objectNameProblem("Service", "grafana")).toBeUndefined();
    expect(objectNameProblem("Service", "2fa")).toContain("DNS-1035 label");
  });

  test("RBAC kinds take a path segment: colons are fine, slashes and dot-dot are not", () => {
    expect(objectNameProblem("ClusterRole", "system:metrics-reader")).toBeUndefined();
    expect(objectNameProblem("RoleBinding", "..")).toContain("path segment");
    expect(objectNameProblem("ClusterRoleBinding", "a/b")).toContain("path segment");
  });

  test("CronJob names leave room for the Jobs they create", () => {
    expect(objectNameProblem("CronJob", "a".repeat(52))).toBeUndefined();
    expect(objectNameProblem("CronJob", "a".repeat(53))).toBe("it has 53 characters, and the limit is 52");
  });

  test("a namespace is a DNS-1123 label", () => {
    expect(namespaceProblem("staging")).toBeUndefined();
    expect(namespaceProblem("Team_A")).toContain("DNS-1123 label");
  });
});
