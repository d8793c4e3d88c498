import type { Bundle } from "../bundle/bundle.ts";
import type { KubeObject } from "../core/kube/object.ts";
import type {
  BundleStore,
  DeployDeps,
  DeploymentLedger,
  DeploymentRecord,
  DeploymentState,
  NewDeployment,
  Rollout,
  RolloutResult,
  SmokeCheck,
  SmokeSummary,
} from "../promote/ports.ts";

/** The promote core's ports held in memory, for tests of the core alone. */
export class MemoryLedger implements DeploymentLedger {
  readonly records: DeploymentRecord[] = [];
  private nextId = 1;
  constructor(
    private readonly clock: () => number,
    readonly creator = "octocat",
  ) {}

  async list(environment: string): Promise<DeploymentRecord[]> {
    return this.records.filter((d) => d.environment === environment).sort((a, b) => b.id - a.id);
  }

  async create(d: NewDeployment): Promise<DeploymentRecord> {
    const record: DeploymentRecord = {
      id: this.nextId++,
      environment: d.environment,
      ref: d.ref,
      sha: d.sha,
      creator: this.creator,
      createdAt: new Date(this.clock()).toISOString(),
      payload: d.payload,
      statuses: [],
    };
    this.records.push(record);
    return record;
  }

  async setStatus(id: number, state: DeploymentState, description: string): Promise<void> {
    const i = this.records.findIndex((d) => d.id === id);
    const d = this.records[i] as DeploymentRecord;
    const status = { state, description, createdAt: new Date(this.clock()).toISOString() };
    this.records[i] = { ...d, statuses: [status, ...d.statuses] };
  }
}

export class MemoryBundleStore implements BundleStore {
  readonly bundles = new Map<string, Bundle>();
  async get(sha256: string) {
    return this.bundles.get(sha256);
  }
  async put(bundle: Bundle) {
    this.bundles.set(bundle.sha256, bundle);
  }
}

/** Records what was applied per environment; answers from a script, else ok. */
export class RecordingRollout implements Rollout {
  readonly applied: { environment: string; objects: readonly KubeObject[] }[] = [];
  constructor(
    private readonly answer: (environment: string) => RolloutResult = () => ({
      ok: true,
      summary: "applied",
    }),
  ) {}
  async apply(environment: string, objects: readonly KubeObject[]): Promise<RolloutResult> {
    this.applied.push({ environment, objects });
    return this.answer(environment);
  }
  /** The objects an environment runs now. */
  live(environment: string): readonly KubeObject[] | undefined {
    return this.applied.filter((a) => a.environment === environment).at(-1)?.objects;
  }
}

/** Smoke verdicts taken in order from a list, then passes. */
export class ScriptedSmoke implements SmokeCheck {
  constructor(private readonly verdicts: SmokeSummary[] = []) {}
  async check(): Promise<SmokeSummary> {
    return this.verdicts.shift() ?? { passed: true, summary: "5/5 checks passed" };
  }
}

export function memoryDeps(overrides: Partial<DeployDeps> = {}): DeployDeps & {
  ledger: MemoryLedger;
  store: MemoryBundleStore;
  rollout: RecordingRollout;
} {
  let t = Date.parse("2026-11-24T03:00:00Z");
  const now = () => (t += 1000);
  return {
    ledger: new MemoryLedger(now),
    store: new MemoryBundleStore(),
    rollout: new RecordingRollout(),
    smoke: new ScriptedSmoke(),
    now,
    progress: () => {},
    ...overrides,
  } as DeployDeps & { ledger: MemoryLedger; store: MemoryBundleStore; rollout: RecordingRollout };
}
