import { RoutingLabels, type SlackSinkConfig } from "../config.ts";
import type { Alert } from "../webhook.ts";
import {
  alertName,
  byFingerprint,
  call,
  type Delivery,
  Ok,
  type Outgoing,
  type Sink,
  truncate,
} from "./sink.ts";

/** Block Kit limits Slack enforces on a message. */
export const SlackLimits = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  contextText: 3000,
  text: 3000,
} as const;
/** Each message spends one block on its header and one on its context line. */
const alertsPerMessage = SlackLimits.blocks - 2;

type Block =
  | { type: "header"; text: { type: "plain_text"; text: string } }
  | { type: "section"; text: { type: "mrkdwn"; text: string } }
  | { type: "context"; elements: { type: "mrkdwn"; text: string }[] };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function alertSection(a: Alert, deploy: string | undefined): string {
  const name = escapeMrkdwn(alertName(a));
  const title = a.generatorURL.startsWith("http") ? `<${a.generatorURL}|${name}>` : name;
  const where = RoutingLabels.map((l) => a.labels[l])
    .filter((v): v is string => Boolean(v))
    .map(escapeMrkdwn)
    .join(" · ");
  const icon = a.status === "firing" ? ":red_circle:" : ":large_green_circle:";
  const lines = [`${icon} *${title}*${where ? ` — ${where}` : ""}`];
  const summary = a.annotations.summary ?? a.annotations.description;
  if (summary) lines.push(escapeMrkdwn(summary));
  if (deploy) lines.push(`_${escapeMrkdwn(deploy)}_`);
  return truncate(lines.join("\n"), SlackLimits.sectionText);
}

/** Splits a notification into messages that each stay within Slack's Block Kit limits. */
export function slackMessages(out: Outgoing): SlackMessage[] {
  const n = out.notification;
  const alerts = [...n.alerts].sort(byFingerprint);
  const parts = Math.max(1, Math.ceil(alerts.length / alertsPerMessage));
  const group = Object.entries(n.groupLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const firing = alerts.filter((a) => a.status === "firing").length;
  const title = `[${n.status.toUpperCase()}${n.status === "firing" ? `:${firing}` : ""}] ${group || n.receiver}`;
  const messages: SlackMessage[] = [];
  for (let p = 0; p < parts; p++) {
    const slice = alerts.slice(p * alertsPerMessage, (p + 1) * alertsPerMessage);
    const notes = [`part ${p + 1} of ${parts}`, `${alerts.length} alert(s)`];
    if (n.truncatedAlerts > 0) notes.push(`${n.truncatedAlerts} more truncated by Alertmanager`);
    messages.push({
      text: truncate(`${title} (${p + 1}/${parts})`, SlackLimits.text),
      blocks: [
        { type: "header", text: { type: "plain_text", text: truncate(title, SlackLimits.headerText) } },
        ...slice.map(
          (a): Block => ({
            type: "section",
            text: { type: "mrkdwn", text: alertSection(a, out.deployContext.get(a.fingerprint)) },
          }),
        ),
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: truncate(notes.join(" · "), SlackLimits.contextText) }],
        },
      ],
    });
  }
  return messages;
}

export class SlackSink implements Sink {
  readonly name: string;
  constructor(private readonly config: SlackSinkConfig) {
    this.name = config.name;
  }

  deliveries(out: Outgoing): Delivery[] {
    return slackMessages(out).map((message, i) => ({
      id: `message-${i}`,
      send: async (http) => {
        const r = await call(
          http,
          this.config.url,
          { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(message) },
          "slack",
        );
        return r.ok ? Ok : r.attempt;
      },
    }));
  }
}
