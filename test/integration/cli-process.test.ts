/**
 * The `v2v` entry point itself, as a separate process: bin/v2v.js loads the TypeScript, reads
 * standard input, writes standard output and error, opens and migrates a real data directory, and
 * exits with the command's code. Every command's behaviour is tested in process
 * (test/support/cli.ts); this is the one check that the process wiring around them holds.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "v2v-cli-process-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const v2v = (args: string[], input = "") =>
  spawnSync(process.execPath, ["bin/v2v.js", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn" },
    input,
    encoding: "utf8",
    timeout: 200_000,
  });

describe("bin/v2v.js as a process", () => {
  it("reads stdin and prints to stdout, exit 0", () => {
    const r = v2v(["calc", "bsa"], JSON.stringify({ heightCm: 180, weightKg: 80 }));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).value).toBeCloseTo(2.0, 2); // Mosteller, sqrt(180 × 80 / 3600)
  });

  it("migrates a new data directory, and a refused command exits 2 with the message on stderr", () => {
    const r = v2v(["journey", "list", "--site", "ZZ"]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/No site with code ZZ/);
    expect(r.status).toBe(2);
    const m = v2v(["migrate"]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/^0001_\w+ {2}applied$/m);
  });

  it("an unknown command exits 1 with commander's message", () => {
    const r = v2v(["nonsense"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'nonsense'/);
  });
});
