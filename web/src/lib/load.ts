// Turn API failures inside load functions into SvelteKit redirects / error pages.
import { error, redirect } from "@sveltejs/kit";
import { isApiError } from "./api.ts";
import { session, signInUrl } from "./session.svelte.ts";

export function loadError(e: unknown, url: URL): never {
  if (isApiError(e)) {
    if (e.status === 401) {
      session.clear();
      redirect(307, signInUrl(url));
    }
    if (e.status === 403 || e.status === 404) error(404, { message: e.message || "Not found." });
    error(e.status >= 400 ? e.status : 503, { message: e.message });
  }
  throw e;
}
