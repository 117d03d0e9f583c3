import { ensureDependencies, runWithNode24 } from "./bootstrap.mjs";
ensureDependencies();
runWithNode24("scripts/test.ts", process.argv.slice(2));
