import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  plugins: [remix(remixConfig)],
  // nhsuk-frontend's CSS is already minified, and esbuild warns about its
  // old-browser hacks when minifying it again.
  build: { cssMinify: false },
});
