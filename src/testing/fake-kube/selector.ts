type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

/** Parses a label selector (`a=b,c!=d,e in (x,y),!f,g`) into a predicate. */
export function parseLabelSelector(selector: string | null): Requirement {
  if (!selector) return () => true;
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  const reqs = parts.map((raw) => requirement(raw.trim()));
  return (labels) => reqs.every((r) => r(labels));
}

function requirement(raw: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw);
  if (set) {
    const [, key = "", op, values = ""] = set;
    const vs = values.split(",").map((v) => v.trim());
    return op === "in"
      ? (l) => l[key] !== undefined && vs.includes(l[key])
      : (l) => l[key] === undefined || !vs.includes(l[key]);
  }
  const cmp = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(raw);
  if (cmp) {
    const [, key = "", op, value = ""] = cmp;
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if (raw.startsWith("!")) return (l) => l[raw.slice(1)] === undefined;
  return (l) => l[raw] !== undefined;
}

/** Parses a field selector (`metadata.name=web,status.phase!=Running`) into a predicate. */
export function parseFieldSelector(selector: string | null): (o: Record<string, unknown>) => boolean {
  if (!selector) return () => true;
  const reqs = selector.split(",").map((raw) => {
    const m = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(raw.trim());
    const [, path = "", op = "=", value = ""] = m ?? [];
    return (o: Record<string, unknown>) => {
      let v: unknown = o;
      for (const seg of path.split(".")) v = (v as Record<string, unknown> | undefined)?.[seg];
      const actual = v === undefined || v === null ? "" : String(v);
      return op === "!=" ? actual !== value : actual === value;
    };
  });
  return (o) => reqs.every((r) => r(o));
}
