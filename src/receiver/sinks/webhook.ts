import type { WebhookSinkConfig } from "../config.ts";
import { call, type Delivery, Ok, type Outgoing, type Sink } from "./sink.ts";

/** Forwards the (redacted, routed) notification as JSON, with the deploy context per alert. */
export class WebhookSink implements Sink {
  readonly name: string;
  constructor(private readonly config: WebhookSinkConfig) {
    this.name = config.name;
  }

  deliveries(out: Outgoing): Delivery[] {
    const payload = JSON.stringify({
      ...out.notification,
      idempotencyKey: out.key,
      deployContext: Object.fromEntries(out.deployContext),
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "idempotency-key": out.key,
    };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    return [
      {
        id: "post",
        send: async (http) => {
          const r = await call(http, this.config.url, { method: "POST", headers, body: payload }, "webhook");
          return r.ok ? Ok : r.attempt;
        },
      },
    ];
  }
}
