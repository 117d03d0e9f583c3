// SvelteKit 3 takes its config here (there is no svelte.config.js any more).
// Build: `npx vite build` with cwd web/, or `npx vite build web` from the repo root.
// Output: web/build (static SPA, index.html is the fallback the Worker serves for unknown paths).
import { fileURLToPath } from "node:url";
import { sveltekit } from "@sveltejs/kit/vite";
import adapter from "@sveltejs/adapter-static";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const buildDir = here("./build");

export default defineConfig({
  // Absolute root so the config behaves the same whether vite runs in web/ or in the repo root.
  root: here("."),
  plugins: [
    sveltekit({
      // Absolute paths: adapter-static resolves `pages`/`assets` against process.cwd().
      adapter: adapter({ pages: buildDir, assets: buildDir, fallback: "index.html", strict: true }),
      version: { pollInterval: 0 },
    }),
  ],
  resolve: {
    // The wire protocol, the API's types and the pure domain code are shared with the Worker;
    // tsconfig.json has the same paths.
    alias: { $protocol: here("../party/protocol.ts"), $worker: here("../worker") },
  },
  server: {
    fs: { allow: [here("..")] },
    // `npx vite dev` in web/: forward the API and the WebSocket to a running Worker.
    proxy: {
      "/api": { target: process.env.KONTOR_URL ?? "http://127.0.0.1:8787", changeOrigin: false },
      "/parties": { target: process.env.KONTOR_URL ?? "http://127.0.0.1:8787", ws: true },
    },
  },
  build: { sourcemap: false },
});
