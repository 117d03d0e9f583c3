// The one reading of what credential a request carries (HTTP routes and WebSocket upgrades alike):
// an Authorization header means a bearer API key and nothing else; without one, the session cookie.
import { parse } from "hono/utils/cookie";

export const SESSION_COOKIE = "kontor_session";

export type Credential = { apiKey: string } | { session: string };

export interface PresentedCredential {
  via: "bearer" | "cookie";
  /** null: an Authorization header that is not `Bearer <key>` (it never falls back to the cookie). */
  credential: Credential | null;
}

export function sessionCookieOf(headers: Headers): string | undefined {
  const header = headers.get("cookie");
  return header ? parse(header, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
}

export function presentedCredential(headers: Headers): PresentedCredential | null {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return { via: "bearer", credential: match ? { apiKey: match[1] } : null };
  }
  const session = sessionCookieOf(headers);
  return session ? { via: "cookie", credential: { session } } : null;
}

/** The refusal's wording for a request whose credential did not authenticate. */
export const unauthenticatedMessage = (presented: PresentedCredential | null) =>
  presented?.via === "bearer" ? "Invalid or revoked API key" : "Sign in first: no valid session";
