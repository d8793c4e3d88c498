import { describe, expect, test } from "bun:test";
import { prometheusOverHttp } from "./prometheus-http.ts";

describe("prometheusOverHttp", () => {
  test("a server answering with HTML pages is said not to be the Prometheus API", async () => {
    const page = "<!DOCTYPE HTML>\n<html><head><title>Error response</title></head><body>404</body></html>";
    const api = prometheusOverHttp("http://web.example", async () => new Response(page, { status: 404 }));
    expect(await api.ready()).toEqual({
      ready: false,
      detail:
        'HTTP 404 with an HTML page ("Error response"), not the Prometheus API; is http://web.example Prometheus?',
    });
  });
});
