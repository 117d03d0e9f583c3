// Fractional positions for quote lines: base-36 digit strings read as fractions in (0, 1).
// A new position between two others never needs the others to move, so concurrent inserts and
// moves never collide — the server assigns positions in its own order.
const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";
const BASE = DIGITS.length;

function digit(s: string, i: number): number {
  return i < s.length ? DIGITS.indexOf(s[i]) : 0;
}

export function isPosition(value: string): boolean {
  return /^[0-9a-z]*[1-9a-z]$/.test(value);
}

/** A position strictly between `before` (null = start) and `after` (null = end). */
export function positionBetween(before: string | null, after: string | null): string {
  const a = before ?? "";
  let b = after;
  if (b !== null && !(a < b)) throw new Error(`positionBetween: ${JSON.stringify(a)} is not before ${JSON.stringify(b)}`);
  let result = "";
  for (let i = 0; ; i++) {
    const da = digit(a, i);
    const db = b === null ? BASE : digit(b, i);
    if (da === db) {
      result += DIGITS[da];
      continue;
    }
    if (db - da > 1) return result + DIGITS[Math.floor((da + db) / 2)];
    // Adjacent digits: keep a's digit; from here on only a bounds us from below.
    result += DIGITS[da];
    b = null;
  }
}

/** Positions for n lines in order, evenly spread (used when a whole line list is replaced). */
export function positionsFor(count: number): string[] {
  const out: string[] = [];
  let previous: string | null = null;
  for (let i = 0; i < count; i++) {
    previous = positionBetween(previous, null);
    out.push(previous);
  }
  return out;
}
