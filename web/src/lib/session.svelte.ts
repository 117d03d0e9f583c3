// Who is signed in, in which environment, and which entities they may see.
// Loaded once per page load (and again after sign-in); every entity route checks against it.
import { api, isApiError } from "./api.ts";
import type { Entity, Me } from "$worker/api/types.ts";

type Fetch = typeof fetch;

export interface SessionData {
  me: Me;
  entities: Entity[];
}

class Session {
  me = $state<Me | null>(null);
  entities = $state<Entity[]>([]);
  #pending: Promise<SessionData | null> | null = null;
  #loaded = false;

  /** The session, fetched once; null when signed out (401). Other errors are thrown. */
  ensure(f?: Fetch): Promise<SessionData | null> {
    if (this.#loaded) return Promise.resolve(this.me ? { me: this.me, entities: this.entities } : null);
    this.#pending ??= this.#load(f).finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async refresh(f?: Fetch): Promise<SessionData | null> {
    this.#loaded = false;
    return this.ensure(f);
  }

  async #load(f?: Fetch): Promise<SessionData | null> {
    let me: Me;
    try {
      me = await api.me(f);
    } catch (e) {
      if (isApiError(e) && e.status === 401) {
        this.#set(null, []);
        return null;
      }
      throw e;
    }
    let entities: Entity[];
    try {
      entities = (await api.entities(f)).items;
    } catch (e) {
      if (isApiError(e) && e.status === 401) {
        this.#set(null, []);
        return null;
      }
      throw e;
    }
    this.#set(me, entities);
    return { me, entities };
  }

  #set(me: Me | null, entities: Entity[]) {
    this.me = me;
    this.entities = entities;
    this.#loaded = true;
  }

  /** Forget everything (after sign-out or when the server says the session is gone). */
  clear() {
    this.#set(null, []);
    this.#loaded = false;
  }

  entityBySlug(slug: string): Entity | null {
    return this.entities.find((e) => e.slug === slug) ?? null;
  }
}

export const session = new Session();

/** A same-origin path to go back to after sign-in, or null if `next` is not one. */
export function signInUrl(from?: Pick<URL, "pathname" | "search">): string {
  if (!from) return "/sign-in";
  const next = from.pathname + from.search;
  return next && next !== "/" && !next.startsWith("/sign-in")
    ? `/sign-in?next=${encodeURIComponent(next)}`
    : "/sign-in";
}

export { safeNext } from "./next.ts";
