import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parse } from "yaml";
import { InputError } from "../errors.ts";
import { isPlainBlockYaml } from "./plain-block.ts";
import { parseUserYaml, parseUserYamlDocuments, YamlLimits } from "./user-yaml.ts";

function failure(run: () => unknown): InputError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const bomb = [
  "a: &a [x, x, x, x, x, x, x, x, x]",
  "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
  "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
  "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
  "",
].join("\n");

describe("the YAML loader", () => {
  test("GIVEN an alias bomb WHEN loaded THEN an input error at the first alias, not a ReferenceError", () => {
    const e = failure(() => parseUserYaml("v.yaml", bomb));
    expect(e.location).toEqual({ file: "v.yaml", line: 2, column: 8 });
    expect(e.reason).toContain("aliases in this file expand too far");
  });

  test("GIVEN an alias without its anchor THEN an input error that names the alias and its line", () => {
    const e = failure(() => parseUserYaml("v.yaml", "api:\n  replicas: *nope\n"));
    expect(e.location?.line).toBe(2);
    expect(e.reason).toContain("the alias *nope refers to no anchor");
  });

  test("an ordinary alias still loads", () => {
    expect(parseUserYaml("v.yaml", "a: &x {b: 1}\nc: *x\n").data).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });

  test("GIVEN a file over the size limit THEN an input error at line 1 that states the limit", () => {
    const text = `a: "${"x".repeat(YamlLimits.maxBytes)}"\n`;
    const e = failure(() => parseUserYaml("big.yaml", text));
    expect(e.location).toEqual({ file: "big.yaml", line: 1 });
    expect(e.reason).toContain("at most 10 MB");
    expect(failure(() => parseUserYamlDocuments("big.yaml", text)).reason).toContain("at most 10 MB");
  });

  test("duplicate keys are refused on both paths, in block and flow style", () => {
    for (const text of [
      "a: 1\nb:\n  c: 1\n  c: 2\n",
      "a: {c: 1, c: 2}\n",
      "a: &x 1\nb:\n  c: 1\n  c: *x\n",
    ]) {
      const e = failure(() => parseUserYaml("v.yaml", text));
      expect(e.reason).toStartWith('duplicate key "c"');
    }
    expect(failure(() => parseUserYamlDocuments("d.yaml", "a: 1\n---\nb: 1\nb: 2\n")).location?.line).toBe(4);
  });

  test("a BOM and CRLF line ends load as plain text would", () => {
    expect(parseUserYaml("v.yaml", "\ufeffa: 1\r\nb:\r\n  c: x\r\n").data).toEqual({ a: 1, b: { c: "x" } });
    const e = failure(() => parseUserYaml("v.yaml", "\ufeffa: 1\r\na: 2\r\n"));
    expect(e.location?.line).toBe(2);
  });

  test("deep nesting is an input error at the bracket past the limit, found before parsing", () => {
    const text = `a:\n  b: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`;
    const start = performance.now();
    const e = failure(() => parseUserYaml("deep.yaml", text));
    expect(e.location).toEqual({ file: "deep.yaml", line: 2, column: 6 + YamlLimits.maxFlowDepth });
    expect(e.reason).toContain("nests more than 1000 brackets deep");
    expect(performance.now() - start).toBeLessThan(1000);
  });

  test("GIVEN 100,000 keys WHEN loaded THEN it takes well under a second (it took minutes when the check was quadratic)", () => {
    const lines = ["api:", "  env:"];
    for (let i = 0; i < 100_000; i++) lines.push(`    KEY_${i}: value-${i}`);
    const text = `${lines.join("\n")}\n`;
    parseUserYaml("warm.yaml", "a: 1\n");
    let start = performance.now();
    Bun.YAML.parse(text);
    const floor = performance.now() - start;
    start = performance.now();
    const loaded = parseUserYaml("big.yaml", text);
    const ms = performance.now() - start;
    expect(Object.keys((loaded.data as { api: { env: object } }).api.env)).toHaveLength(100_000);
    // One second is the target; on a loaded, shared machine, a few times the floor.
    expect(ms).toBeLessThan(Math.max(1000, 4 * floor));
  }, 20_000);

  test("a file read on the fast path still locates fields for error messages", () => {
    const loaded = parseUserYaml("v.yaml", "api:\n  env:\n    A: x\n    B: y\n  replicas: 1\n");
    expect(loaded.locate(["api", "env", "B"])).toEqual({ file: "v.yaml", line: 4, column: 5 });
    expect(loaded.depth(["api", "env", "C"])).toBe(2);
  });

  test("the slow path is linear too: 10,000 keys in flow style take about 4 times what 2,500 take", () => {
    const flow = (n: number) => `a: {${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join(", ")}}\n`;
    // Best of three, so a busy moment on a shared machine does not decide; the scaling does:
    // linear is 4x, quadratic 16x.
    const bestMs = (text: string, keys: number) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        expect(Object.keys((parseUserYaml("flow.yaml", text).data as { a: object }).a)).toHaveLength(keys);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const small = bestMs(flow(2_500), 2_500);
    const large = bestMs(flow(10_000), 10_000);
    expect(large / small).toBeLessThan(10);
  }, 30_000);
});

/** Random block YAML: nested mappings, sequences, scalars of every flavour the fast path takes. */
const scalar = fc.oneof(
  fc.constantFrom(
    "yes",
    "no",
    "on",
    "true",
    "False",
    "null",
    "~",
    "0o17",
    "017",
    "0x1F",
    ".inf",
    "-.inf",
    ".NaN",
    "1e3",
    "+1",
    "-0.5",
    "12:30:00",
    "2001-12-14",
    "a b",
    "-x",
    "x:y",
    "a # c",
    "'it''s'",
    "{null: 1, ~: 2}",
    '"tab\\tand \\u00e9"',
    "[a, 1, 'b c']",
    "{x: 1, y: [2]}",
    "{x: 1, 'y': 2}",
    "[]",
    "{}",
    "|\nblock\n text",
    ">-\nfolded\n\ntext",
    "",
  ),
  fc.stringMatching(/^[a-zA-Z0-9._/][a-zA-Z0-9 ._:/-]{0,10}[a-zA-Z0-9._/]$/),
);
const key = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_.-]{0,8}$/),
  fc.constantFrom('"q k"', "'s'", "1", "true", "null", "~"),
);

function indentBlock(text: string, by: number): string {
  const pad = " ".repeat(by);
  return text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");
}

interface Node {
  readonly text: string;
  readonly collection: boolean;
}
const leaf = scalar.map((text): Node => ({ text, collection: false }));
const pairs = (value: fc.Arbitrary<Node>) =>
  fc.uniqueArray(fc.tuple(key, value), {
    minLength: 1,
    maxLength: 4,
    selector: ([k]) => k.replace(/^["']|["']$/g, ""),
  });
const node: fc.Memo<Node> = fc.memo((n) =>
  n <= 1
    ? leaf
    : fc.oneof(
        { weight: 2, arbitrary: leaf },
        pairs(node(n - 1)).map((ps) => ({
          text: ps.map(([k, v]) => entry(`${k}:`, v)).join("\n"),
          collection: true,
        })),
        fc
          .array(node(n - 1), { minLength: 1, maxLength: 3 })
          .map((items) => ({ text: items.map((v) => entry("-", v)).join("\n"), collection: true })),
      ),
);

function entry(head: string, value: Node): string {
  if (!value.collection) {
    const [first, ...rest] = value.text.split("\n");
    return [`${head} ${first}`.trimEnd(), ...rest.map((l) => `  ${l}`)].join("\n");
  }
  return `${head}\n${indentBlock(value.text, 2)}`;
}

const document = pairs(node(4)).map((ps) => `${ps.map(([k, v]) => entry(`${k}:`, v)).join("\n")}\n`);

/** Small edits that often break a document: a space, a tab, a dash, a colon, a quote, a line moved. */
const mutated = fc
  .tuple(document, fc.nat(), fc.constantFrom(" ", "\t", "- ", ": ", '"', "'", "&a ", "*a", "{", "#", "\n"))
  .map(([text, at, ins]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + ins + text.slice(i);
  });

function packageResult(text: string): { data: unknown } | { error: true } {
  try {
    return {
      data: parse(text, { uniqueKeys: true, prettyErrors: false, maxAliasCount: 100, logLevel: "error" }),
    };
  } catch {
    return { error: true };
  }
}

function loaderResult(text: string): { data: unknown } | { error: true } {
  try {
    return { data: parseUserYaml("p.yaml", text).data };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    expect(e.location?.line).toBeGreaterThanOrEqual(1);
    return { error: true };
  }
}

/** The loader and the yaml package read each text alike: same data, or both refuse it. */
function agree(texts: fc.Arbitrary<string>, numRuns: number): void {
  fc.assert(
    fc.property(texts, (text) => {
      expect(loaderResult(text)).toEqual(packageResult(text));
    }),
    { numRuns },
  );
}

describe("the fast path agrees with the yaml package", () => {
  test("on random block YAML, the data is the same", () => agree(document, 300), 30_000);

  test(
    "on mutated block YAML, both accept the same texts with the same data, and errors are input errors",
    () => agree(mutated, 600),
    30_000,
  );

  test("a tab on an otherwise blank line is refused by both paths (found by the property above)", () => {
    expect(loaderResult("_:\n\t")).toEqual(packageResult("_:\n\t"));
  });

  test("the generated documents mostly take the fast path", () => {
    // A fixed seed: the share is a property of the generator, not of one random draw.
    const texts = fc.sample(document, { numRuns: 200, seed: 20261130 });
    const fast = texts.filter((t) => isPlainBlockYaml(t.split("\n"))).length;
    expect(fast).toBeGreaterThan(60);
  });
});
