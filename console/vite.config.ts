// Relative asset URLs: the same build is served under /console/ by the embedded stack and at the root of the
// CloudFront distribution in AWS.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000, // maplibre-gl alone is ~1 MB; the console is an internal tool on a LAN
    sourcemap: false,
  },
});
