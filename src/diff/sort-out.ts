import { appliedForm, isUnchanged } from "../apply/compare.ts";
import { ApplySetKeys, type ApplySetParent, groupKindOf, isMember } from "../apply/inventory.ts";
import { type LiveState, listScopeKey, parentRef } from "../apply/live-state.ts";
import { type KubeObject, type ObjectRef, type RenderedObject, refKey, refOf } from "../core/kube/object.ts";
import { type BlockedObject, diffObject, type ObjectDiff } from "./object-diff.ts";
import type { Redactor } from "./redact.ts";

/** A rendered object in the form apply sends it, with its ref, key and LIST scope worked out once. */
export interface Sent {
  readonly rendered: RenderedObject;
  readonly object: KubeObject;
  readonly ref: ObjectRef;
  readonly key: string;
  /** The `listScopeKey` of the LIST that holds its live state. */
  readonly scope: string;
}

/** The rendered object as apply sends it, with its ref, key and LIST scope. */
export function sentOf(rendered: RenderedObject, parent: ApplySetParent): Sent {
  const object = appliedForm(rendered.object, parent);
  const ref = refOf(object);
  return { rendered, object, ref, key: refKey(ref), scope: listScopeKey(object, ref.namespace) };
}

/** An object apply would change, with what is live of it: only these need a request. */
export interface ToDryRun {
  readonly sent: Sent;
  readonly live: KubeObject;
}

/**
 * What the live diff has to do for each rendered object: added, unchanged, blocked or to
 * dry-run. Objects are sorted out a LIST scope at a time, as soon as both their applied form
 * and the LIST that holds their live state are in, so the work is done while other LISTs are
 * still out.
 */
export class SortingOut {
  readonly objects: ObjectDiff[] = [];
  readonly blocked: BlockedObject[] = [];
  readonly toDryRun: ToDryRun[] = [];
  /** Sent objects not sorted out yet, by scope; undefined until their applied forms are in. */
  private waiting: Map<string, Sent[]> | undefined;
  /** Scopes whose LIST answered before the applied forms were in. */
  private readonly listedEarly: string[] = [];
  private live: ReadonlyMap<string, KubeObject> = new Map();
  /** The keys of the rendered objects: members under these are not removals. */
  private readonly rendered = new Set<string>();

  constructor(
    private readonly parent: ApplySetParent,
    private readonly redactor: Redactor,
  ) {}

  /** The applied forms are in. */
  formsReady(all: readonly Sent[]): void {
    const waiting = new Map<string, Sent[]>();
    for (const s of all) {
      this.rendered.add(s.key);
      const group = waiting.get(s.scope);
      if (group) group.push(s);
      else waiting.set(s.scope, [s]);
    }
    this.waiting = waiting;
    for (const scope of this.listedEarly.splice(0)) this.sortScope(scope);
  }

  /** The LIST of `scope` answered; `live` holds everything listed so far. */
  listed(scope: string, live: ReadonlyMap<string, KubeObject>): void {
    this.live = live;
    if (this.waiting) this.sortScope(scope);
    else this.listedEarly.push(scope);
  }

  /**
   * Every read is done: an object whose LIST was refused is blocked, one no LIST covered is
   * added, and a member of the ApplySet that is neither rendered nor `kept` (by key) is a removal.
   * An ApplySet parent that could not be read is a row of its own: without its inventory, members
   * in kinds or namespaces no longer rendered are not found.
   */
  finish(state: LiveState, kept: readonly string[]): void {
    const keep = new Set(kept);
    if (state.parentRefused) {
      this.blocked.push({
        ref: parentRef(this.parent),
        reason:
          "cannot read the ApplySet's inventory: forbidden (get, ConfigMap); removals in kinds or namespaces no longer rendered are not shown",
      });
    }
    this.live = state.objects;
    for (const [scope, group] of this.waiting ?? []) {
      if (state.forbidden.has(scope)) {
        for (const { object, ref } of group)
          this.blocked.push({ ref, reason: `cannot diff: forbidden (list, ${groupKindOf(object)})` });
      } else this.sortScope(scope);
    }
    for (const [key, o] of state.objects) {
      if (!this.rendered.has(key) && !keep.has(key) && isMember(o, this.parent))
        this.objects.push(diffObject(o, undefined, this.redactor));
    }
    // The live state is not needed any more: the dry runs hold only the live objects they diff.
    this.live = new Map();
    this.waiting = new Map();
  }

  private sortScope(scope: string): void {
    for (const s of this.waiting?.get(scope) ?? []) this.sortOne(s, this.live.get(s.key));
    this.waiting?.delete(scope);
  }

  private sortOne(s: Sent, live: KubeObject | undefined): void {
    const { object: o, ref } = s;
    if (!live) {
      this.objects.push(diffObject(undefined, o, this.redactor, s.rendered.source));
      return;
    }
    const owner = live.metadata.labels?.[ApplySetKeys.partOf];
    if (owner && owner !== this.parent.id) {
      this.blocked.push({ ref, reason: `it belongs to another ApplySet (${owner}); apply leaves it alone` });
      return;
    }
    // Nothing to compute: apply would change nothing, so neither would its dry run.
    if (isUnchanged(o, live))
      this.objects.push({
        ref,
        change: "unchanged",
        paths: [],
        diff: "",
        risks: [],
        source: s.rendered.source,
      });
    else this.toDryRun.push({ sent: s, live });
  }
}
