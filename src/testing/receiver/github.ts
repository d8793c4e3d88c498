import { FakeDeployments, type StoredDeployment } from "../fake-github/deployments.ts";
import { FakeDispatches } from "../fake-github/dispatches.ts";
import { FakeIssues, type StoredIssue } from "../fake-github/issues.ts";
import { FakeGitHub } from "../fake-github/server.ts";

/**
 * The GitHub the receiver talks to, on the one fake GitHub: issues and their comments,
 * deployments and repository dispatches of one repository, reached with one token.
 */
export class ReceiverGitHub {
  readonly issues = new FakeIssues();
  readonly deployments = new FakeDeployments();
  readonly dispatches = new FakeDispatches();
  readonly server = new FakeGitHub().use(this.issues).use(this.deployments).use(this.dispatches);
  readonly token = "ghs-test-token";

  constructor(
    readonly owner = "overflying",
    readonly name = "flyby",
  ) {}

  /** `owner/name`, as the receiver config names a repository. */
  get repo(): string {
    return `${this.owner}/${this.name}`;
  }

  get url(): string {
    return this.server.url;
  }

  start(): this {
    this.server.start();
    return this;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The repository's first issue that passes `test`. */
  issue(test: (i: StoredIssue) => boolean): StoredIssue | undefined {
    return this.issues.issues.find((i) => i.owner === this.owner && i.repo === this.name && test(i));
  }

  /** The comments on an issue, oldest first. */
  comments(issue: StoredIssue | undefined): string[] {
    return issue ? this.server.commentsOn(this.owner, this.name, issue.number) : [];
  }

  addDeployment(d: Parameters<FakeDeployments["addDeployment"]>[2]): StoredDeployment {
    return this.deployments.addDeployment(this.owner, this.name, d);
  }

  failNext(count: number, status?: number): void {
    this.server.failNext(count, status);
  }
}
