// Xero's `where` filter (e.g. `Status=="AUTHORISED" AND Contact.ContactID==guid("…")`, `Name.Contains("x")`,
// `Date>=DateTime(2026,01,01)`), parsed once and evaluated against an object as the API renders it.

export type Predicate = (record: Record<string, unknown>) => boolean;

export class WhereError extends Error {}

type Token = { kind: "id" | "str" | "num" | "op" | "punct"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(==|!=|>=|<=|&&|\|\||>|<|!)|([A-Za-z_][A-Za-z0-9_]*)|([().,]))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) throw new WhereError(`Cannot parse the where clause at '${source.slice(at, at + 20)}'`);
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: "str", text: JSON.parse(m[1]) as string });
    else if (m[2] !== undefined) tokens.push({ kind: "num", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "op", text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: "id", text: m[4] });
    else tokens.push({ kind: "punct", text: m[5]! });
  }
  return tokens;
}

type Value = string | number | boolean | null | { date: number };
type Operand = (record: Record<string, unknown>) => unknown;

/** "/Date(1573755038314+0000)/" → ms; anything else unchanged. */
function comparable(value: unknown): unknown {
  if (typeof value === "string") {
    const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
    if (ms) return Number(ms[1]);
  }
  return value;
}

function fieldOf(path: string[]): Operand {
  return (record) => {
    let value: unknown = record;
    for (const key of path) {
      if (value === null || typeof value !== "object") return null;
      value = (value as Record<string, unknown>)[key];
    }
    return value ?? null;
  };
}

function compare(op: string, left: unknown, right: Value): boolean {
  const a = comparable(left);
  const b = right !== null && typeof right === "object" ? right.date : right;
  if (op === "==") return typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (op === "!=") return typeof a === "string" && typeof b === "string" ? a.toLowerCase() !== b.toLowerCase() : a !== b;
  if (a === null || b === null) return false;
  if (op === ">") return (a as number) > (b as number);
  if (op === "<") return (a as number) < (b as number);
  if (op === ">=") return (a as number) >= (b as number);
  return (a as number) <= (b as number);
}

export function parseWhere(source: string): Predicate {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const take = (text?: string): Token => {
    const token = tokens[i++];
    if (!token || (text !== undefined && token.text !== text)) throw new WhereError(`Expected ${text ?? "more"} in the where clause '${source}'`);
    return token;
  };

  const literal = (): Value => {
    const token = take();
    if (token.kind === "str") return token.text;
    if (token.kind === "num") return Number(token.text);
    if (token.kind === "id") {
      const word = token.text.toLowerCase();
      if (word === "null") return null;
      if (word === "true" || word === "false") return word === "true";
      if (word === "guid") {
        take("(");
        const id = take();
        take(")");
        return id.text.toLowerCase();
      }
      if (word === "datetime") {
        take("(");
        const parts: number[] = [Number(take().text)];
        while (peek()?.text === ",") {
          take(",");
          parts.push(Number(take().text));
        }
        take(")");
        const [y, m = 1, d = 1, h = 0, min = 0, s = 0] = parts;
        return { date: Date.UTC(y!, m - 1, d, h, min, s) };
      }
    }
    throw new WhereError(`Unexpected '${token.text}' in the where clause '${source}'`);
  };

  const comparison = (): Predicate => {
    if (peek()?.text === "(") {
      take("(");
      const inner = disjunction();
      take(")");
      return inner;
    }
    if (peek()?.text === "!") {
      take("!");
      const inner = comparison();
      return (r) => !inner(r);
    }
    const path = [take().text];
    while (peek()?.text === ".") {
      take(".");
      const name = take().text;
      if (peek()?.text === "(") {
        take("(");
        const arg = literal();
        take(")");
        const field = fieldOf(path);
        const needle = String(arg).toLowerCase();
        const method = name.toLowerCase();
        if (!["contains", "startswith", "endswith"].includes(method)) throw new WhereError(`Unknown method ${name}`);
        return (r) => {
          const value = field(r);
          if (typeof value !== "string") return false;
          const hay = value.toLowerCase();
          return method === "contains" ? hay.includes(needle) : method === "startswith" ? hay.startsWith(needle) : hay.endsWith(needle);
        };
      }
      path.push(name);
    }
    const field = fieldOf(path);
    const op = take();
    if (op.kind !== "op" || op.text === "!" || op.text === "&&" || op.text === "||") throw new WhereError(`Expected a comparison after ${path.join(".")}`);
    const value = literal();
    return (r) => compare(op.text, field(r), value);
  };

  const conjunction = (): Predicate => {
    let left = comparison();
    while (peek() && (peek()!.text === "&&" || peek()!.text.toUpperCase() === "AND")) {
      take();
      const a = left;
      const b = comparison();
      left = (r) => a(r) && b(r);
    }
    return left;
  };

  const disjunction = (): Predicate => {
    let left = conjunction();
    while (peek() && (peek()!.text === "||" || peek()!.text.toUpperCase() === "OR")) {
      take();
      const a = left;
      const b = conjunction();
      left = (r) => a(r) || b(r);
    }
    return left;
  };

  const predicate = disjunction();
  if (i < tokens.length) throw new WhereError(`Unexpected '${tokens[i]!.text}' in the where clause '${source}'`);
  return predicate;
}
