/**
 * `v2v user create` and `v2v token create|list|revoke` as an operator runs them: a separate process
 * on an embedded data directory. Every user needs a site role and a password that meets the
 * policy; tokens expire within a year, are listed with their owner and last use, and are revoked.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/services/context.ts";
import { createSite } from "../../src/services/sites.ts";
import { openDatabase } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrator.ts";

/** each run starts a process that loads the app and opens the data directory: slow on a busy machine */
const CLI_TIMEOUT = 240_000;
const dataDir = mkdtempSync(join(tmpdir(), "v2v-accounts-cli-"));

const v2v = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["bin/v2v.js", ...args], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn", V2V_PASSWORD: "", ...env },
    encoding: "utf8",
    timeout: 200_000,
  });

beforeAll(async () => {
  const database = await openDatabase({ kind: "pglite", dataDir });
  try {
    await migrate(database);
    await createSite(
      { db: database.db, actor: systemActor(), now: () => new Date() },
      { code: "AA", name: "Site A", department: "Hematology", timeZone: "Asia/Shanghai" },
    );
  } finally {
    await database.close();
  }
}, 120_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("v2v user create", () => {
  it(
    "refuses a user without a site role, and a password that is too common, and creates neither",
    () => {
      const noRole = v2v(["user", "create", "--username", "drifter", "--display-name", "Drifter"], {
        V2V_PASSWORD: "violets grow under the old bridge",
      });
      expect(noRole.status, noRole.stderr).toBe(2);
      expect(noRole.stderr).toMatch(/\/memberships/);
      const weak = v2v(
        ["user", "create", "--username", "weak", "--display-name", "Weak", "--role", "AA:monitor"],
        {
          V2V_PASSWORD: "Password2024!",
        },
      );
      expect(weak.status, weak.stderr).toBe(2);
      expect(weak.stderr).toMatch(/\/password: .*too common/);
    },
    CLI_TIMEOUT,
  );

  it(
    "creates a user with a role and a good password",
    () => {
      const res = v2v(
        ["user", "create", "--username", "lab-bot", "--display-name", "Lab bot", "--role", "AA:coordinator"],
        {
          V2V_PASSWORD: "violets grow under the old bridge",
        },
      );
      expect(res.status, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout).memberships).toHaveLength(1);
    },
    CLI_TIMEOUT,
  );
});

describe("v2v token", () => {
  it(
    "creates a token within a year, lists it with its owner and expiry, revokes it",
    () => {
      const tooLong = v2v(["token", "create", "--user", "lab-bot", "--expires-in", "400"]);
      expect(tooLong.status, tooLong.stderr).toBe(2);
      expect(tooLong.stderr).toMatch(/expiresInDays/);

      const created = v2v([
        "token",
        "create",
        "--user",
        "lab-bot",
        "--label",
        "nightly import",
        "--expires-in",
        "30",
      ]);
      expect(created.status, created.stderr).toBe(0);
      expect(created.stdout.trim()).toMatch(/^v2v_[A-Za-z0-9_-]{43}$/);

      const listed = v2v(["token", "list", "--site", "AA"]);
      expect(listed.status, listed.stderr).toBe(0);
      const row = listed.stdout.split("\n").find((l) => l.includes("nightly import"));
      expect(row).toMatch(/lab-bot/);
      expect(row).toMatch(/never/); // not used yet
      expect(row).toMatch(/active$/);
      const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
      expect(row).toContain(expires);
      const id = row!.split(/\s+/)[0]!;

      const revoked = v2v(["token", "revoke", id, "--reason", "rotated"]);
      expect(revoked.status, revoked.stderr).toBe(0);
      expect(revoked.stdout).toMatch(/revoked .*lab-bot/);
      expect(v2v(["token", "list"]).stdout).not.toContain("nightly import");
      expect(
        v2v(["token", "list", "--all"])
          .stdout.split("\n")
          .find((l) => l.includes("nightly import")),
      ).toMatch(/revoked$/);
      const again = v2v(["token", "revoke", id]);
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/already revoked/);
    },
    CLI_TIMEOUT,
  );
});
