import { describe, expect, test } from "bun:test";
import { errorText } from "./http.ts";

const errorPage = `<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: 404</p>
    </body>
</html>
`;

describe("errorText", () => {
  test("an API's own error is read from its JSON", () => {
    expect(errorText(400, '{"status":"error","errorType":"bad_data","error":"parse error"}')).toBe(
      "bad_data: parse error",
    );
  });

  test("an HTML page is named as one, with its title, never pasted in", () => {
    expect(errorText(404, errorPage)).toBe('HTTP 404 with an HTML page ("Error response")');
    expect(errorText(502, "<html><body>Bad gateway</body></html>")).toBe("HTTP 502 with an HTML page");
  });

  test("other text is one line, cut short", () => {
    expect(errorText(503, "Service\n  Unavailable\n")).toBe("HTTP 503: Service Unavailable");
    const long = errorText(500, "x".repeat(500));
    expect(long).toBe(`HTTP 500: ${"x".repeat(160)}…`);
  });
});
