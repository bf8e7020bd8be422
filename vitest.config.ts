import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Generous: a test's time is never its assertion (timings live in bench/), and a busy CI
    // machine must not turn slow set-ups (demo loads, browsers) into failures.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Each file gets its own database; two cores, so two workers.
    maxWorkers: 2,
    pool: "forks",
  },
});
