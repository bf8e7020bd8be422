import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import { lockDataDir } from "../../src/store/data-dir-lock.ts";

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "v2v-lock-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("embedded data directory lock", () => {
  it("a second open in the same process is refused", () => {
    const dir = fresh();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DomainError);
    lock.release();
    expect(existsSync(join(dir, "v2v.lock"))).toBe(false);
    lockDataDir(dir).release();
  });

  it("a lock held by another live process is refused, naming the pid", async () => {
    const dir = fresh();
    const other = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(dir, "v2v.lock"), `${other.pid}\n`);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${other.pid}`));
    } finally {
      other.kill();
    }
  });

  it("a lock left by a dead process is taken over", async () => {
    const dir = fresh();
    const gone = spawn("true");
    await new Promise((r) => gone.once("exit", r));
    writeFileSync(join(dir, "v2v.lock"), `${gone.pid}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, "v2v.lock"), "utf8").trim()).toBe(String(process.pid));
    lock.release();
  });
});
