/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build lands inside the Python package, so the dashboard's wheel ships the app.
const OUT_DIR = "../src/runnerly_dashboard/web_dist";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    // Never inline assets as data: URLs into scripts or styles; files keep the CSP simple.
    assetsInlineLimit: 0,
    // ECharts is one lazy chunk of ~190 kB gzipped, loaded only by the chart pages.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npm run dev` against a running system (runnerly up on port 8000).
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
  },
});
