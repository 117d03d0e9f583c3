// `npm run build`: the web app (SPA with its boot script as a file, for the CSP) and the API docs assets.
import { buildWeb } from "./lib.ts";

buildWeb(true);
