import { defineConfig } from "vitest/config";

// The build lands inside the Python package so `pip install` users never need Node.
// In development, `npm run dev` proxies the API to a running `stepscope serve`.
export default defineConfig({
  base: "/",
  build: {
    outDir: "../src/stepscope/server/static",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": process.env.STEPSCOPE_URL ?? "http://127.0.0.1:8000",
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
