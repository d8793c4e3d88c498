import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Scalar, type YAMLMap } from "yaml";

/** One `flyby …` command line found in a workflow's or an action's `run:` script. */
export interface FlybyCall {
  readonly file: string;
  readonly line: number;
  /** The words after `flyby`; a `${{ … }}` expression is one word. */
  readonly argv: readonly string[];
}

/** One `uses: ./actions/NAME` step and the inputs it passes. */
export interface LocalActionUse {
  readonly file: string;
  readonly line: number;
  /** `deploy` for `./actions/deploy`. */
  readonly action: string;
  /** Input name → the line it is given on. */
  readonly inputs: ReadonlyMap<string, number>;
}

/** An action's declared input. */
export interface ActionInput {
  readonly required: boolean;
  readonly default?: string;
}

export interface WorkflowCalls {
  readonly calls: readonly FlybyCall[];
  readonly uses: readonly LocalActionUse[];
}

/** `flyby` as workflows run it: `npx bun run flyby`, `bun run flyby`, `bun src/cli/main.ts`. */
const invocation = /(?:^|[\s;&|(`])(?:npx\s+)?bun\s+(?:run\s+flyby|src\/cli\/main\.ts)(?=\s|$)/g;

/** Shell words from `text` up to the end of the simple command (`|`, `;`, `&`, `>`, `)`, `#`). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[ \t]/.test(text[i] as string)) i++;
    if (i >= text.length || /[|;&<>)#\n]/.test(text[i] as string)) break;
    let word = "";
    while (i < text.length && !/[ \t|;&<>)\n]/.test(text[i] as string)) {
      const c = text[i] as string;
      if (c === "'" || c === '"') {
        const end = text.indexOf(c, i + 1);
        const stop = end < 0 ? text.length : end;
        word += text.slice(i + 1, stop);
        i = stop + 1;
      } else if (text.startsWith("$(", i)) {
        let depth = 0;
        const start = i;
        do {
          if (text[i] === "(") depth++;
          else if (text[i] === ")") depth--;
          i++;
        } while (i < text.length && depth > 0);
        word += text.slice(start, i);
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

/**
 * Every `flyby` command line of a shell script, with the script line it starts on (0-based).
 * Continuation lines (`\` at the end) are joined; `${{ … }}` expressions stay one word.
 */
export function flybyCommandLines(script: string): { line: number; argv: string[] }[] {
  const out: { line: number; argv: string[] }[] = [];
  const lines = script.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let logical = lines[i] as string;
    while (logical.endsWith("\\") && i + 1 < lines.length) logical = `${logical.slice(0, -1)} ${lines[++i]}`;
    const text = logical.replace(/\$\{\{.*?\}\}/g, (e) => e.replace(/\s+/g, ""));
    for (const m of text.matchAll(invocation)) {
      out.push({ line: start, argv: shellWords(text.slice((m.index ?? 0) + m[0].length)) });
    }
  }
  return out;
}

function lineOf(counter: LineCounter, offset: number): number {
  return counter.linePos(offset).line;
}

/** The file line of a `run:` script's first line (a block scalar starts on the next line). */
function scriptStartLine(counter: LineCounter, node: Scalar): number {
  const at = lineOf(counter, node.range?.[0] ?? 0);
  return node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED" ? at + 1 : at;
}

function stepsOf(doc: YAMLMap): YAMLMap[] {
  const steps: YAMLMap[] = [];
  const add = (seq: unknown) => {
    if (isSeq(seq)) for (const s of seq.items) if (isMap(s)) steps.push(s);
  };
  const jobs = doc.get("jobs");
  if (isMap(jobs)) for (const job of jobs.items) if (isMap(job.value)) add(job.value.get("steps"));
  const runs = doc.get("runs");
  if (isMap(runs)) add(runs.get("steps"));
  return steps;
}

/** The flyby command lines and the local actions a workflow (or a composite action) uses. */
export function workflowCalls(file: string, text: string): WorkflowCalls {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
  const calls: FlybyCall[] = [];
  const uses: LocalActionUse[] = [];
  if (!isMap(doc.contents)) return { calls, uses };
  for (const step of stepsOf(doc.contents)) {
    const run = step.get("run", true);
    if (isScalar(run) && typeof run.value === "string") {
      const first = scriptStartLine(counter, run);
      for (const c of flybyCommandLines(run.value)) calls.push({ file, line: first + c.line, argv: c.argv });
    }
    const used = step.get("uses", true);
    if (isScalar(used) && typeof used.value === "string" && used.value.startsWith("./actions/")) {
      const inputs = new Map<string, number>();
      const given = step.get("with", true);
      if (isMap(given)) {
        for (const pair of given.items) {
          if (isScalar(pair.key))
            inputs.set(String(pair.key.value), lineOf(counter, pair.key.range?.[0] ?? 0));
        }
      }
      uses.push({
        file,
        line: lineOf(counter, used.range?.[0] ?? 0),
        action: used.value.slice("./actions/".length).replace(/\/$/, ""),
        inputs,
      });
    }
  }
  return { calls, uses };
}

/** An action's declared inputs, from its action.yml. */
export function actionInputs(text: string): Map<string, ActionInput> {
  const parsed = parseDocument(text).toJS() as {
    inputs?: Record<string, { required?: boolean; default?: unknown } | null>;
  };
  return new Map(
    Object.entries(parsed.inputs ?? {}).map(([name, spec]) => [
      name,
      {
        required: spec?.required === true,
        ...(spec?.default !== undefined ? { default: String(spec.default) } : {}),
      },
    ]),
  );
}

/**
 * What is wrong with the workflows' calls, as `file:line: message`: a flyby command line the
 * CLI would refuse (`parse` throws its usage error), an unknown action, an input the action
 * does not declare, a required input left out.
 */
export function checkCalls(
  found: readonly WorkflowCalls[],
  actions: ReadonlyMap<string, ReadonlyMap<string, ActionInput>>,
  parse: (argv: readonly string[]) => unknown,
): string[] {
  const problems: string[] = [];
  for (const { calls, uses } of found) {
    for (const call of calls) {
      try {
        parse(call.argv);
      } catch (e) {
        problems.push(`${call.file}:${call.line}: flyby ${call.argv.join(" ")}: ${(e as Error).message}`);
      }
    }
    for (const use of uses) {
      const declared = actions.get(use.action);
      if (!declared) {
        problems.push(`${use.file}:${use.line}: ./actions/${use.action} does not exist`);
        continue;
      }
      for (const [name, line] of use.inputs) {
        if (!declared.has(name)) {
          problems.push(
            `${use.file}:${line}: ./actions/${use.action} has no input "${name}" (it has: ${[...declared.keys()].join(", ")})`,
          );
        }
      }
      for (const [name, input] of declared) {
        if (input.required && input.default === undefined && !use.inputs.has(name)) {
          problems.push(`${use.file}:${use.line}: ./actions/${use.action} needs the input "${name}"`);
        }
      }
    }
  }
  return problems;
}
