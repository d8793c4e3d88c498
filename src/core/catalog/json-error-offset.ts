/**
 * Offset of the first JSON syntax error, found by a strict recursive-descent scan:
 * Bun's JSON.parse reports no position.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const skipSpace = () => {
    while (" \t\n\r".includes(text.charAt(i)) && i < text.length) i++;
  };
  const expect = (token: string) => {
    if (!text.startsWith(token, i)) fail();
    i += token.length;
  };
  const string = () => {
    expect('"');
    while (text.charAt(i) !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      i += text.charAt(i) === "\\" ? 2 : 1;
    }
    i++;
  };
  const sequence = (close: string, item: () => void) => {
    skipSpace();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text.charAt(i) !== ",") break;
      i++;
    }
    expect(close);
  };
  const member = () => {
    skipSpace();
    string();
    skipSpace();
    expect(":");
    value();
  };
  const word = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  function value(): void {
    skipSpace();
    const ch = text.charAt(i);
    if (ch === "{" || ch === "[") {
      i++;
      sequence(ch === "{" ? "}" : "]", ch === "{" ? member : value);
    } else if (ch === '"') {
      string();
    } else {
      word.lastIndex = i;
      if (!word.exec(text)) fail();
      i = word.lastIndex;
    }
  }
  try {
    value();
    skipSpace();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === "number") return offset;
    throw offset;
  }
  return i;
}
