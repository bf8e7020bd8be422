/**
 * Account creation (issue 10): only admins create users, only with roles at sites they
 * administer; every user belongs to a site; the site's admins see the audit of it; a taken
 * username tells nothing to a non-admin. New passwords follow OWASP ASVS 4.0 V2.1 (length, common
 * passwords, not the username; no composition rules).
 */
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import { passwordProblems } from "../../src/domain/password-policy.ts";
import { ROLES } from "../../src/domain/roles.ts";
import { systemActor } from "../../src/services/context.ts";
import { commonPasswords, requireAcceptablePassword } from "../../src/services/password-policy.ts";
import { createSite, createUser } from "../../src/services/sites.ts";
import { loadMigrations, migrate } from "../../src/store/migrator.ts";
import { testDatabase } from "../support/database.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;

beforeAll(async () => {
  w = await buildWorld();
});
afterAll(() => w.close());

const NON_ADMINS = ROLES.filter((r) => r !== "admin");
let n = 0;
const fresh = () => `new-user-${++n}`;

const userExists = async (username: string) =>
  (await w.database.db
    .selectFrom("users")
    .select("id")
    .where("username", "=", username)
    .executeTakeFirst()) !== undefined;

const logIn = (username: string, password: string) =>
  w.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password } });

describe("who creates accounts", () => {
  it.each(NON_ADMINS)("%s cannot create a working account, with or without memberships", async (role) => {
    for (const memberships of [[], [{ siteId: w.sites.A, role: "coordinator" }]]) {
      const username = fresh();
      const res = await w.call(role, "A", "POST", "/api/v1/users", {
        username,
        displayName: "Made up",
        password: "a-long-enough-passphrase",
        memberships,
      });
      expect(res.statusCode, res.body).toBe(403);
      expect(await userExists(username)).toBe(false);
      expect((await logIn(username, "a-long-enough-passphrase")).statusCode).toBe(401);
    }
  });

  it.each(NON_ADMINS)("%s learns nothing from a taken username", async (role) => {
    const body = (username: string) => ({
      username,
      displayName: "Probe",
      password: "a-long-enough-passphrase",
      memberships: [],
    });
    const taken = await w.call(role, "A", "POST", "/api/v1/users", body("coordinator-b"));
    const free = await w.call(role, "A", "POST", "/api/v1/users", body(fresh()));
    expect(taken.statusCode).toBe(free.statusCode);
    expect(taken.json().detail).toBe(free.json().detail);
    expect(taken.json().type).toBe(free.json().type);
  });

  it("an admin gives roles only at sites they administer", async () => {
    const username = fresh();
    const res = await w.call("admin", "A", "POST", "/api/v1/users", {
      username,
      displayName: "Cross-site",
      password: "a-long-enough-passphrase",
      memberships: [
        { siteId: w.sites.A, role: "coordinator" },
        { siteId: w.sites.B, role: "investigator" },
      ],
    });
    expect(res.statusCode).toBe(404);
    expect(await userExists(username)).toBe(false);
  });

  it("every user belongs to a site: none without a membership, not even from the command line", async () => {
    const username = fresh();
    const res = await w.call("admin", "A", "POST", "/api/v1/users", {
      username,
      displayName: "Nowhere",
      password: "a-long-enough-passphrase",
      memberships: [],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain("/memberships");
    const e = await createUser(w.system, { username, displayName: "Nowhere", memberships: [] }).catch(
      (x) => x,
    );
    expect(e).toBeInstanceOf(DomainError);
    expect(await userExists(username)).toBe(false);
  });

  it("an admin creates a user at their site; the site's admins see it in the audit trail, the other site's do not", async () => {
    const username = fresh();
    const res = await w.call("admin", "A", "POST", "/api/v1/users", {
      username,
      displayName: "New coordinator",
      password: "a-long-enough-passphrase",
      memberships: [{ siteId: w.sites.A, role: "coordinator" }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    expect((await logIn(username, "a-long-enough-passphrase")).statusCode).toBe(200);
    const listed = await w.call("admin", "A", "GET", "/api/v1/users");
    expect(listed.json().items.map((u: { username: string }) => u.username)).toContain(username);
    const audit = await w.call(
      "admin",
      "A",
      "GET",
      `/api/v1/audit?siteId=${w.sites.A}&entity=user&entityId=${id}`,
    );
    expect(audit.statusCode).toBe(200);
    const rows = audit.json().items as {
      action: string;
      actorName: string;
      after: Record<string, unknown>;
    }[];
    expect(rows.map((r) => [r.action, r.actorName])).toEqual([["create", "admin-a"]]);
    expect(JSON.stringify(rows[0]!.after)).not.toContain("passphrase");
    const elsewhere = await w.call(
      "admin",
      "B",
      "GET",
      `/api/v1/audit?siteId=${w.sites.B}&entity=user&entityId=${id}`,
    );
    expect(elsewhere.json().items).toEqual([]);
  });

  it("a taken username is a conflict for an admin, who may know", async () => {
    const res = await w.call("admin", "A", "POST", "/api/v1/users", {
      username: "coordinator-a",
      displayName: "Again",
      password: "a-long-enough-passphrase",
      memberships: [{ siteId: w.sites.A, role: "coordinator" }],
    });
    expect(res.statusCode).toBe(409);
  });
});

describe("new passwords (OWASP ASVS 4.0 V2.1)", () => {
  const attempt = (username: string, password: string) =>
    w.call("admin", "A", "POST", "/api/v1/users", {
      username,
      displayName: "Policy check",
      password,
      memberships: [{ siteId: w.sites.A, role: "monitor" }],
    });

  it.each([
    ["shorter than 12 characters", "eleven-char", /at least 12/],
    ["a common password", "password1234", /too common/],
    ["a common password with digits and symbols around it", "!!Sunshine2024!!", /too common/],
    ["one character repeated", "zzzzzzzzzzzzzzzz", /too common/],
    ["the username inside it", "my name is USERNAME-X", /username/],
  ])("refuses %s with 400 at /password and creates nothing", async (_what, raw, message) => {
    const username = "username-x";
    const password = raw.replace("USERNAME-X", username);
    const res = await attempt(username, password);
    expect(res.statusCode, res.body).toBe(400);
    const errors = res.json().errors as { pointer: string; detail: string }[];
    expect(errors.map((e) => e.pointer)).toEqual(["/password"]);
    expect(errors[0]!.detail).toMatch(message);
    expect(await userExists(username)).toBe(false);
  });

  it("accepts a long passphrase without any upper case, digit or symbol (no composition rules)", async () => {
    const res = await attempt(fresh(), "violets grow under the old bridge");
    expect(res.statusCode, res.body).toBe(201);
  });

  it("counts characters, not bytes: twelve CJK characters are enough", async () => {
    const res = await attempt(fresh(), "静夜思床前明月光疑是地上霜");
    expect(res.statusCode, res.body).toBe(201);
  });

  it("the longest password the policy allows (128 emoji, 256 UTF-16 units) logs in", async () => {
    const username = fresh();
    const password = "🌙🌊".repeat(64);
    expect((await attempt(username, password)).statusCode).toBe(201);
    expect((await logIn(username, password)).statusCode).toBe(200);
    expect((await attempt(fresh(), `${password}🌙`)).statusCode).toBe(400);
  });

  it("the test world's password passes the policy it is used under", async () => {
    await expect(requireAcceptablePassword(PASSWORD, "coordinator-a")).resolves.toBeUndefined();
  });

  it("is held against about 49,000 common passwords, compared without regard to case", async () => {
    const list = await commonPasswords();
    expect(list.size).toBeGreaterThan(40_000);
    expect(list.has("qwertyuiop")).toBe(true);
    expect(passwordProblems("QWERTYUIOP12", { isCommon: (p) => list.has(p) })).toHaveLength(1);
  });
});

describe("accounts made before this release without a site", () => {
  it("are switched off by the migration; accounts with a role stay as they were", async () => {
    const database = await testDatabase();
    try {
      const all = loadMigrations();
      const cut = all.findIndex((m) => m.name === "accounts_belong_to_sites");
      expect(cut).toBeGreaterThan(0);

      // As if this migration had not run yet (it is an idempotent UPDATE), then the loophole used.
      await database.db.deleteFrom("schema_migrations").where("version", "=", all[cut]!.version).execute();
      const now = new Date();
      const site = await createSite(
        { db: database.db, actor: systemActor(), now: () => now },
        {
          code: "ZZ",
          name: "Z",
          department: "Z",
          timeZone: "UTC",
        },
      );
      for (const username of ["orphan", "member"])
        await database.db
          .insertInto("users")
          .values({
            id: uuidv7(),
            username,
            display_name: username,
            password_hash: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      const member = await database.db
        .selectFrom("users")
        .select("id")
        .where("username", "=", "member")
        .executeTakeFirstOrThrow();
      await database.db
        .insertInto("memberships")
        .values({ user_id: member.id, site_id: site.id, role: "monitor", created_at: now })
        .execute();
      expect(await migrate(database, all)).toEqual([all[cut]!.version]);
      const rows = await database.db
        .selectFrom("users")
        .select(["username", "is_active", "version"])
        .where("username", "in", ["orphan", "member", "system"])
        .orderBy("username")
        .execute();
      expect(rows).toEqual([
        { username: "member", is_active: true, version: 1 },
        { username: "orphan", is_active: false, version: 2 },
        { username: "system", is_active: false, version: 1 },
      ]);
    } finally {
      await database.close();
    }
  });
});
