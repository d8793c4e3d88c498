import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { AuthClient } from "google-auth-library";
import { ExitCode } from "../../core/exit-code.ts";
import { parseGkeClusterPath } from "../../core/manifests/environments.ts";
import { applicationDefaultCredentials } from "./credentials.ts";

describe("parseGkeClusterPath", () => {
  test("a well-formed path is kept", () => {
    const path = "projects/my-project/locations/us-central1/clusters/overflying";
    expect(parseGkeClusterPath(path)).toBe(path);
  });

  test.each([
    ["overflying/us-central1/overflying", "is not projects/PROJECT/locations/LOCATION/clusters/NAME"],
    [
      "projects/p/locations/l/clusters/c",
      'project ID "p" must be 6–30 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    ],
    [
      "projects/My-Project/locations/l/clusters/c",
      'project ID "My-Project" must be 6–30 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
    ],
    [
      "projects/my-project/locations/US/clusters/c",
      'location "US" must be lowercase letters, digits and hyphens, as us-central1 or europe-west4-b',
    ],
    [
      "projects/my-project/locations/l/clusters/C_1",
      'cluster name "C_1" must be lowercase letters, digits and hyphens, not starting or ending with a hyphen',
    ],
  ])("%s is refused saying why", (value, reason) => {
    expect(() => parseGkeClusterPath(value)).toThrow(`--gke "${value}": ${reason}`);
  });
});

describe("applicationDefaultCredentials", () => {
  // Warnings reach this recorder instead of stderr, so the tests stay quiet.
  const original = process.emitWarning;
  const warned: string[] = [];
  beforeEach(() => {
    warned.length = 0;
    process.emitWarning = ((warning: string, type?: string) => {
      warned.push(`${type}: ${warning}`);
    }) as typeof process.emitWarning;
  });
  afterEach(() => {
    process.emitWarning = original;
  });

  test("none found: the library's metadata warning is held back and the error says how to get them", async () => {
    const missing = {
      async getClient(): Promise<AuthClient> {
        process.emitWarning("received unexpected error = code = UNKNOWN", "MetadataLookupWarning");
        throw new Error(
          "Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.",
        );
      },
    };
    let failure: { exitCode?: number; message: string } | undefined;
    try {
      await applicationDefaultCredentials(missing);
    } catch (e) {
      failure = { exitCode: (e as { exitCode?: number }).exitCode, message: (e as Error).message };
    }
    expect(failure).toEqual({
      exitCode: ExitCode.EnvironmentFailed,
      message:
        "no Google Cloud credentials: Could not load the default credentials. Run `gcloud auth application-default login`, or in GitHub Actions use Workload Identity Federation (google-github-actions/auth) before flyby",
    });
    expect(warned).toEqual([]);
  });

  test("other warnings still go out, and the warning hook is put back", async () => {
    const client = {} as AuthClient;
    const found = {
      async getClient() {
        process.emitWarning("something else", "DeprecationWarning");
        return client;
      },
    };
    const hook = process.emitWarning;
    expect(await applicationDefaultCredentials(found)).toBe(client);
    expect(warned).toEqual(["DeprecationWarning: something else"]);
    expect(process.emitWarning).toBe(hook);
  });
});
