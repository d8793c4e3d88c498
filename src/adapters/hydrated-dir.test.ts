import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { readHydratedDir } from "./hydrated-dir.ts";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(read: () => unknown): InputError {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(ExitCode.BadInput);
    return e as InputError;
  }
  throw new Error("the folder was read");
}

describe("dir: with symbolic links", () => {
  const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";

  test("GIVEN a link to a file THEN its objects are read", () => {
    dir = mkdtempSync(join(tmpdir(), "flyby-hydrated-"));
    writeFileSync(join(dir, "real.txt"), configMap);
    symlinkSync(join(dir, "real.txt"), join(dir, "a.yaml"));
    expect(readHydratedDir(dir, "hydl").map((o) => o.metadata.name)).toEqual(["a"]);
  });

  test("GIVEN a dangling link named x.yaml THEN it is refused naming the file", () => {
    dir = mkdtempSync(join(tmpdir(), "flyby-hydrated-"));
    symlinkSync(join(dir, "gone.yaml"), join(dir, "x.yaml"));
    expect(refusal(() => readHydratedDir(dir, "hydl")).message).toBe(
      "hydl/x.yaml: cannot read the file: it is a symbolic link to nothing (ENOENT) (at --against)",
    );
  });

  test("GIVEN a link loop named x.yaml THEN it is refused naming the file", () => {
    dir = mkdtempSync(join(tmpdir(), "flyby-hydrated-"));
    symlinkSync(join(dir, "y.yaml"), join(dir, "x.yaml"));
    symlinkSync(join(dir, "x.yaml"), join(dir, "y.yaml"));
    expect(refusal(() => readHydratedDir(dir, "hydl")).message).toBe(
      "hydl/x.yaml: cannot read the file: its symbolic links form a loop (ELOOP) (at --against)",
    );
  });
});
