// Text the API accepts must be well-formed Unicode: a lone UTF-16 surrogate ("\ud800" in JSON) cannot
// be stored as UTF-8, so D1 would keep something other than what the response echoed. Pure.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** The dotted path of the first string (or key) in `value` that is not well-formed Unicode, or null. */
export function illFormedPath(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return isWellFormed(value) ? null : path.join(".") || "(root)";
  if (value === null || typeof value !== "object") return null;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    if (!isWellFormed(key)) return [...path, "(key)"].join(".");
    const found = illFormedPath(v, [...path, key]);
    if (found) return found;
  }
  return null;
}
