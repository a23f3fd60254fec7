/**
 * JSON with comments (`//`, `/* *\/`) and trailing commas, as PALHM configs
 * are written. A small parser of its own, so a syntax error names its line
 * and column (Bun.JSONC reports neither, and accepts trailing garbage).
 */
import { ConfigError } from "../errors.ts";

/** Deeper than any config: past it, a file is refused before the parser's recursion can exhaust the stack. */
export const MAX_DEPTH = 256;

class _Parser {
  i = 0;
  depth = 0;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  fail(message: string, at = this.i): never {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    const col = at - before.lastIndexOf("\n");
    throw new ConfigError(`syntax error at line ${line}, column ${col}: ${message}`, undefined, this.file);
  }

  skip(): void {
    const t = this.text;
    for (;;) {
      while (this.i < t.length && " \t\r\n\uFEFF".includes(t[this.i]!)) this.i++;
      if (t.startsWith("//", this.i)) {
        const end = t.indexOf("\n", this.i);
        this.i = end < 0 ? t.length : end + 1;
      } else if (t.startsWith("/*", this.i)) {
        const end = t.indexOf("*/", this.i + 2);
        if (end < 0) this.fail("unterminated /* comment");
        this.i = end + 2;
      } else return;
    }
  }

  peek(): string | undefined {
    this.skip();
    return this.text[this.i];
  }

  expect(c: string): void {
    if (this.peek() !== c) this.fail(this.i < this.text.length ? `expected "${c}", found ${this._found()}` : `expected "${c}", found the end of the file`);
    this.i++;
  }

  /** The end of a list or object, where a "," may have been forgotten. */
  close(c: string): void {
    if (this.peek() === c) this.i++;
    else this.fail(this.i < this.text.length ? `expected "," or "${c}", found ${this._found()}` : `expected "${c}", found the end of the file`);
  }

  _found(): string {
    return JSON.stringify(this.text.slice(this.i, this.i + 12).split("\n")[0]);
  }

  value(): unknown {
    const c = this.peek();
    if (c === "{" || c === "[") {
      if (++this.depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
      const v = c === "{" ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === '"') return this.string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.i, this.i + 400));
    if (!m) this.fail(c === undefined ? "unexpected end of the file" : `unexpected ${this._found()}`);
    this.i += m[0].length;
    return JSON.parse(m[0]);
  }

  string(): string {
    const m = /^"(?:[^"\\\n]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.text.slice(this.i));
    if (!m) this.fail("bad string (unterminated, a line break, or a bad escape)");
    this.i += m[0].length;
    return JSON.parse(m[0]);
  }

  array(): unknown[] {
    const out: unknown[] = [];
    this.expect("[");
    while (this.peek() !== "]") {
      out.push(this.value());
      if (this.peek() !== ",") break;
      this.i++;
    }
    this.close("]");
    return out;
  }

  object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.expect("{");
    while (this.peek() !== "}") {
      if (this.peek() !== '"') this.fail(`expected a key in double quotes, found ${this._found()}`);
      const at = this.i;
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) this.fail(`duplicate key "${key}"`, at);
      this.expect(":");
      out[key] = this.value();
      if (this.peek() !== ",") break;
      this.i++;
    }
    this.close("}");
    return out;
  }
}

/** Parses JSON or JSONC text; a syntax error is a ConfigError naming `file`, line and column. */
export function parseJsonc(text: string, file: string): unknown {
  const p = new _Parser(text, file);
  const value = p.value();
  if (p.peek() !== undefined) p.fail(`unexpected ${p._found()} after the end of the config`);
  return value;
}
