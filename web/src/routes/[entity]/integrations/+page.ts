// Xero's callback returns the browser to /<slug>/integrations (API.md "Xero"); the page itself is a
// settings sub-page, so this only forwards, with the query string (`?xero=connected|error&code=`).
import { redirect } from "@sveltejs/kit";
import type { PageLoad } from "./$types";

export const load: PageLoad = ({ params, url }) => {
  redirect(307, `/${params.entity}/settings/integrations${url.search}`);
};
