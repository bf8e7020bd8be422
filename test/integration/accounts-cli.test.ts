/**
 * `v2v user create` and `v2v token create|list|revoke` as an operator runs them, in process on the
 * test's database (test/support/cli.ts). Every user needs a site role and a password that meets the
 * policy; tokens expire within a year, are listed with their owner and last use, and are revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../src/services/context.ts";
import { createSite } from "../../src/services/sites.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { testDatabase } from "../support/database.ts";

let database: Database;
const v2v = (args: string[], env: Record<string, string> = {}) => runV2v(database, args, { env });

beforeAll(async () => {
  database = await testDatabase();
  await createSite(
    { db: database.db, actor: systemActor(), now: () => new Date() },
    { code: "AA", name: "Site A", department: "Hematology", timeZone: "Asia/Shanghai" },
  );
});
afterAll(() => database?.close());

describe("v2v user create", () => {
  it("refuses a user without a site role, and a password that is too common, and creates neither", async () => {
    const noRole = await v2v(["user", "create", "--username", "drifter", "--display-name", "Drifter"], {
      V2V_PASSWORD: "violets grow under the old bridge",
    });
    expect(noRole.status, noRole.stderr).toBe(2);
    expect(noRole.stderr).toMatch(/\/memberships/);
    const weak = await v2v(
      ["user", "create", "--username", "weak", "--display-name", "Weak", "--role", "AA:monitor"],
      {
        V2V_PASSWORD: "Password2024!",
      },
    );
    expect(weak.status, weak.stderr).toBe(2);
    expect(weak.stderr).toMatch(/\/password: .*too common/);
  });

  it("creates a user with a role and a good password", async () => {
    const res = await v2v(
      ["user", "create", "--username", "lab-bot", "--display-name", "Lab bot", "--role", "AA:coordinator"],
      {
        V2V_PASSWORD: "violets grow under the old bridge",
      },
    );
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).memberships).toHaveLength(1);
  });
});

describe("v2v token", () => {
  it("creates a token within a year, lists it with its owner and expiry, revokes it", async () => {
    const tooLong = await v2v(["token", "create", "--user", "lab-bot", "--expires-in", "400"]);
    expect(tooLong.status, tooLong.stderr).toBe(2);
    expect(tooLong.stderr).toMatch(/expiresInDays/);

    const created = await v2v([
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

    const listed = await v2v(["token", "list", "--site", "AA"]);
    expect(listed.status, listed.stderr).toBe(0);
    const row = listed.stdout.split("\n").find((l) => l.includes("nightly import"));
    expect(row).toMatch(/lab-bot/);
    expect(row).toMatch(/never/); // not used yet
    expect(row).toMatch(/active$/);
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(row).toContain(expires);
    const id = row!.split(/\s+/)[0]!;

    const revoked = await v2v(["token", "revoke", id, "--reason", "rotated"]);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/revoked .*lab-bot/);
    expect((await v2v(["token", "list"])).stdout).not.toContain("nightly import");
    expect(
      (await v2v(["token", "list", "--all"])).stdout.split("\n").find((l) => l.includes("nightly import")),
    ).toMatch(/revoked$/);
    const again = await v2v(["token", "revoke", id]);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/already revoked/);
  });
});
