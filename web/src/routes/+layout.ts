// A single-page app: nothing is rendered on the server and nothing is prerendered.
export const ssr = false;
export const prerender = false;
