import type { SinkConfig, SinkMatch } from "../config.ts";
import { GithubSink } from "./github.ts";
import { RollbackSink } from "./rollback.ts";
import type { Sink } from "./sink.ts";
import { SlackSink } from "./slack.ts";
import { WebhookSink } from "./webhook.ts";

export interface RoutedSink {
  readonly sink: Sink;
  readonly match?: SinkMatch | undefined;
}

function build(c: SinkConfig): Sink {
  switch (c.type) {
    case "slack":
      return new SlackSink(c);
    case "github":
      return new GithubSink(c);
    case "webhook":
      return new WebhookSink(c);
    case "rollback":
      return new RollbackSink(c);
  }
}

export function sinksFromConfig(configs: readonly SinkConfig[]): RoutedSink[] {
  return configs.map((c) => ({ sink: build(c), match: c.match }));
}
