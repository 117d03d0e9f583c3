// Where sign-in may send you back to: a path of this origin, never another site. Browsers strip tabs
// and newlines from URLs and treat a backslash as a slash, so "/\t/evil.test" is "//evil.test":
// resolve the way a browser does, then insist on our own origin. Pure.
const ORIGIN = "https://kontor.invalid";

export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith("/")) return null;
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN || url.pathname.startsWith("/sign-in")) return null;
  return url.pathname + url.search + url.hash;
}
