// The customer's page for a sent invoice: no login, no live connection, no workspace shell.
import { isApiError } from "#lib/api.ts";
import { publicInvoicesApi } from "#lib/invoices/api.ts";
import type { PublicInvoice } from "$worker/api/types.ts";
import type { PageLoad } from "./$types";

export const load: PageLoad = async ({ params }) => {
  try {
    const invoice = await publicInvoicesApi.get(params.token);
    return { token: params.token, invoice, error: null };
  } catch (e) {
    const notFound = isApiError(e) && (e.status === 404 || e.status === 400);
    return {
      token: params.token,
      invoice: null as PublicInvoice | null,
      error: notFound
        ? "This invoice link isn't valid any more. Ask the sender for a new link."
        : isApiError(e)
          ? e.message
          : "The invoice could not be loaded. Check your connection and try again.",
    };
  }
};
