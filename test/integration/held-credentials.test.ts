/**
 * Credentials held between requests (decision 0057): a token's or session's row is read once and
 * trusted for at most HOLD_MS, while every request still checks it against its own clock; a change
 * made through the app is seen by the very next request, one made behind its back (another process,
 * hand-written SQL) once the row has been held HOLD_MS. The clock is injected, so no test waits.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/services/auth.ts";
import { HOLD_MS } from "../../src/services/held-credentials.ts";
import { bearerCaller, sessionCaller } from "../support/callers.ts";
import { statementsRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-04-01T08:00:00Z");

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
});
afterAll(() => w.close());

const bearer = (token: string, method: string, url: string, body?: unknown) =>
  bearerCaller(w.app, token)(method, url, body);

const WHO = "/api/v1/auth/session";
const TOKEN_READS = /from "api_tokens"/i;
const SESSION_READS = /from "sessions"/i;
const SESSION_READS_OR_WRITES = /"sessions"/i;

const login = (username: string) => sessionCaller(w.app, username);

describe("a bearer token", () => {
  it("is read once and then held: the next request within HOLD_MS reads no token row and writes no last use", async () => {
    const token = await createApiToken(w.system, "monitor-a", "held");
    const first = await statementsRun(w.database, () => bearer(token, "GET", WHO), TOKEN_READS);
    expect(first).toHaveLength(1);
    clock += HOLD_MS - 1;
    let status = 0;
    const again = await statementsRun(w.database, async () => {
      status = (await bearer(token, "GET", WHO)).statusCode;
    });
    expect(status).toBe(200);
    expect(again.filter((s) => /api_tokens/i.test(s))).toEqual([]);
    clock += 1;
    expect(await statementsRun(w.database, () => bearer(token, "GET", WHO), TOKEN_READS)).toHaveLength(1);
  });

  it("revoked through the API is refused by the next request, though it was held", async () => {
    const token = await createApiToken(w.system, "investigator-a", "to revoke");
    const mine = await bearer(token, "GET", "/api/v1/tokens/mine");
    const id = mine.json().items.find((t: { label: string }) => t.label === "to revoke").id as string;
    expect((await bearer(token, "GET", WHO)).statusCode).toBe(200);
    expect((await w.call("admin", "A", "POST", `/api/v1/tokens/${id}/revoke`, {})).statusCode).toBe(200);
    const res = await bearer(token, "GET", WHO);
    expect(res.statusCode).toBe(401);
  });

  it("revoked behind the app's back (another process) is refused once held HOLD_MS, not before", async () => {
    const token = await createApiToken(w.system, "coordinator-a", "other process");
    expect((await bearer(token, "GET", WHO)).statusCode).toBe(200);
    await sql`UPDATE api_tokens SET revoked_at = ${new Date(clock)} WHERE label = 'other process'`.execute(
      w.database.db,
    );
    clock += HOLD_MS - 1;
    expect((await bearer(token, "GET", WHO)).statusCode).toBe(200);
    clock += 1;
    expect((await bearer(token, "GET", WHO)).statusCode).toBe(401);
  });

  it("held, still expires at its own instant and is read again when the clock goes back", async () => {
    const token = await createApiToken(w.system, "investigator-b", "expiring", { expiresInDays: 1 });
    await sql`UPDATE api_tokens SET expires_at = ${new Date(clock + 500)} WHERE label = 'expiring'`.execute(
      w.database.db,
    );
    expect((await bearer(token, "GET", WHO)).statusCode).toBe(200);
    clock += 500;
    // Held (no read) and refused: expiry is checked against this request's clock.
    let status = 0;
    const held = await statementsRun(
      w.database,
      async () => {
        status = (await bearer(token, "GET", WHO)).statusCode;
      },
      TOKEN_READS,
    );
    expect([held, status]).toEqual([[], 401]);
    clock -= 501;
    // Before the instant it was held at: read again, and valid at this instant.
    status = 0;
    const reread = await statementsRun(
      w.database,
      async () => {
        status = (await bearer(token, "GET", WHO)).statusCode;
      },
      TOKEN_READS,
    );
    expect([reread.length, status]).toEqual([1, 200]);
  });

  it("an unknown secret is never held", async () => {
    const unknown = "v2v_this-token-was-never-issued";
    expect((await bearer(unknown, "GET", WHO)).statusCode).toBe(401);
    expect(await statementsRun(w.database, () => bearer(unknown, "GET", WHO), TOKEN_READS)).toHaveLength(1);
  });
});

describe("a session", () => {
  it("is held as a token is, and refused by the next request after logout", async () => {
    const as = await login("coordinator-b");
    expect(await statementsRun(w.database, () => as("GET", WHO), SESSION_READS)).toHaveLength(1);
    expect(await statementsRun(w.database, () => as("GET", WHO), SESSION_READS)).toEqual([]);
    expect((await as("POST", "/api/v1/auth/logout")).statusCode).toBe(204);
    expect((await as("GET", WHO)).statusCode).toBe(401);
  });

  it("held, writes its last-seen time once a minute, not on every request after the minute", async () => {
    const as = await login("investigator-b");
    clock += 61_000;
    // Read again (held too long) and touched: the minute since login has passed.
    const touched = await statementsRun(w.database, () => as("GET", WHO), SESSION_READS_OR_WRITES);
    expect(touched.filter((s) => /^update/i.test(s))).toHaveLength(1);
    clock += HOLD_MS / 2;
    // Held, with the time just written: no second write.
    expect(await statementsRun(w.database, () => as("GET", WHO), SESSION_READS_OR_WRITES)).toEqual([]);
  });

  it("of a user deactivated behind the app's back is refused once held HOLD_MS", async () => {
    const as = await login("monitor-b");
    expect((await as("GET", WHO)).statusCode).toBe(200);
    await sql`UPDATE users SET is_active = false WHERE username = 'monitor-b'`.execute(w.database.db);
    clock += HOLD_MS;
    expect((await as("GET", WHO)).statusCode).toBe(401);
  });

  it("of an admin who creates a site acts at the new site from the next request", async () => {
    const as = await login("admin-a");
    expect((await as("GET", WHO)).statusCode).toBe(200);
    const created = await as("POST", "/api/v1/sites", {
      code: "HC",
      name: "Held credentials hospital",
      department: "Haematology",
      timeZone: "Asia/Shanghai",
    });
    expect(created.statusCode, created.body).toBe(201);
    const roles = (await as("GET", WHO)).json().memberships as { siteId: string; role: string }[];
    expect(roles).toContainEqual({ siteId: created.json().id, role: "admin" });
  });
});
