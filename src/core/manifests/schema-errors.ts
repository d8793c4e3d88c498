import type { z } from "zod";
import { InputError } from "../errors.ts";
import type { UserYaml } from "../yaml/user-yaml.ts";

export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === "number" ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
    case "invalid_type":
      if (/received undefined$/.test(issue.message)) return `a required ${issue.expected} is missing`;
      return issue.message.startsWith("Invalid input: expected")
        ? issue.message.replace("Invalid input: ", "").replace(/, received (\w+)/, ", but got $1")
        : issue.message;
    default:
      return issue.message;
  }
}

/**
 * Checks data from a user-written YAML file against a zod schema. The first issue becomes
 * an InputError naming the field path and the file:line where it is written.
 */
export function parseWithSchema<T extends z.ZodType>(schema: T, source: UserYaml): z.infer<T> {
  const result = schema.safeParse(source.data);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] as string] : issue.path;
  const segments = path.filter((p): p is string | number => typeof p !== "symbol");
  throw new InputError(describeIssue(issue), source.locate(segments), fieldPath(segments) || "(top level)");
}
