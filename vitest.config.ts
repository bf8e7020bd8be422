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
    // Files share a worker's loaded modules instead of importing the app anew each (decision 0026):
    // every file still opens its own database, and module state is caches of pure values only.
    isolate: false,
    // One migrated PGlite for the run, which every test file opens instead of migrating its own.
    globalSetup: ["test/support/pglite-template.setup.ts"],
    // Real argon2id, but one hash per password per file (test/support/password-hash.setup.ts).
    setupFiles: ["test/support/password-hash.setup.ts"],
  },
});
