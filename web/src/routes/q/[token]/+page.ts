// The customer's page for a published quote: no login, no live connection, no workspace shell.
import { isApiError } from "#lib/api.ts";
import { publicQuotesApi } from "#lib/quotes/api.ts";
import type { PublicQuote } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ params }) => {
  try {
    const quote = await publicQuotesApi.get(params.token);
    return { token: params.token, quote, error: null };
  } catch (e) {
    const notFound = isApiError(e) && (e.status === 404 || e.status === 400);
    return {
      token: params.token,
      quote: null as PublicQuote | null,
      error: notFound
        ? "This quote link isn't valid any more. Ask the sender for a new link."
        : isApiError(e)
          ? e.message
          : "The quote could not be loaded. Check your connection and try again.",
    };
  }
};
