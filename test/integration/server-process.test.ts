/**
 * The real thing, as a user runs it: `v2v serve` in its own process on a real socket and an
 * embedded data directory. First start migrates and loads the demo; a second process on the same
 * directory is refused; SIGTERM closes cleanly; a restart keeps the data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dataDir = mkdtempSync(join(tmpdir(), "v2v-serve-"));
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function start(): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/v2v.js", "serve"], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no start within 180 s:\n${out}`)), 180_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /is up at (http:\/\/\S+?)\/ /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited with ${code}`), { code, output: out }));
    });
  });
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve),
  );

async function loginAndCount(url: string): Promise<number> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "investigator", password: "investigator-demo" }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const patients = await fetch(`${url}/api/v1/patients?limit=1000`, { headers: { cookie } });
  return ((await patients.json()) as { items: unknown[] }).items.length;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("v2v serve on an embedded data directory", () => {
  let first: Running;
  let patientsAtFirstStart = 0;

  it("first start migrates, loads the demo, prints the logins and serves", async () => {
    first = await start();
    expect(first.output()).toContain("Loaded the SYNTHETIC demo program");
    expect(first.output()).toMatch(/admin\s+password admin-demo/);
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${first.url}/api/v1/patients`)).status).toBe(401);
    expect((await fetch(`${first.url}/`)).status).toBe(200);
    patientsAtFirstStart = await loginAndCount(first.url);
    expect(patientsAtFirstStart).toBeGreaterThanOrEqual(25);
  }, 240_000);

  it("a second process on the same data directory fails fast with a clear message", async () => {
    const error = (await start().catch((e) => e)) as { code: number; output: string };
    expect(error.code).not.toBe(0);
    expect(error.output).toMatch(/in use by another vein2vein process \(pid \d+\)/);
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200); // the first is unharmed
  }, 30_000);

  it("SIGTERM shuts down cleanly and releases the lock", async () => {
    first.child.kill("SIGTERM");
    expect(await exitCode(first.child)).toBe(0);
    expect(existsSync(join(dataDir, "v2v.lock"))).toBe(false);
  }, 30_000);

  it("a restart keeps the data and does not load the demo again", async () => {
    const again = await start();
    expect(again.output()).not.toContain("Loaded the SYNTHETIC demo program");
    expect(await loginAndCount(again.url)).toBe(patientsAtFirstStart);
    again.child.kill("SIGINT");
    expect(await exitCode(again.child)).toBe(0);
  }, 240_000);
});
