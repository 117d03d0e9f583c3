// A small API client over SELF.fetch: sign in as a demo user, call routes, read error bodies.
import { SELF } from "cloudflare:test";
import { DEMO_PASSWORD } from "../../worker/seed.ts";

export const ORIGIN = "http://kontor.test";

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  cookie: string | null = null;
  bearer: string | null = null;
  headers: Record<string, string> = {};

  static async signIn(email: string, password = DEMO_PASSWORD): Promise<ApiClient> {
    const client = new ApiClient();
    const res = await client.post("/api/auth/sign-in/email", { email, password });
    if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return client;
  }

  static withKey(key: string): ApiClient {
    const client = new ApiClient();
    client.bearer = key;
    return client;
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResult<T>> {
    const h: Record<string, string> = { origin: ORIGIN, ...this.headers, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await SELF.fetch(`${ORIGIN}${path}`, { method, headers: h, body: payload });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) {
      const match = /kontor_session=([^;]*)/.exec(setCookie);
      if (match) this.cookie = match[1] ? `kontor_session=${match[1]}` : null;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>("GET", path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>("POST", path, body ?? {}, headers);
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>("PATCH", path, body, headers);
  }
  put<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>("PUT", path, body, headers);
  }
}

let counter = 0;
/** Unique per test run, so tests never depend on each other's data. */
export function unique(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

export function expectError(res: ApiResult, status: number, code?: string) {
  if (res.status !== status || typeof res.body?.error?.code !== "string" || typeof res.body.error.requestId !== "string") {
    throw new Error(`expected ${status} ${code ?? ""} in the error shape, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (code && res.body.error.code !== code) {
    throw new Error(`expected error code ${code}, got ${res.body.error.code}: ${res.body.error.message}`);
  }
  if (!Array.isArray(res.body.error.details) || typeof res.body.error.message !== "string") {
    throw new Error(`error body lacks message/details: ${JSON.stringify(res.body)}`);
  }
}
