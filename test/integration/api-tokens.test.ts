/**
 * API token lifecycle (issue 10): tokens expire (90 days by default, a year at most), record their
 * last use, are listed for their owner and for the admins of the owner's sites, and are revoked by
 * either, with the audit visible to those admins. The clock is injected, so expiry needs no wait.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/services/auth.ts";
import { bearerCaller, sessionCaller } from "../support/callers.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-04-01T08:00:00Z");
const DAY = 86_400_000;

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
});
afterAll(() => w.close());

interface TokenDto {
  id: string;
  label: string;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  revokedAt: string | null;
  state: string;
}

const bearer = (token: string, method: string, url: string, body?: unknown) =>
  bearerCaller(w.app, token)(method, url, body);
const session = (username: string) => sessionCaller(w.app, username);

const tokensOf = async (token: string, url = "/api/v1/tokens/mine") =>
  (await bearer(token, "GET", url)).json().items as TokenDto[];

describe("creating your own token", () => {
  it("from a browser session: shown once, expiring in 90 days by default", async () => {
    const as = await session("coordinator-a");
    const res = await as("POST", "/api/v1/tokens", { label: "lab export script" });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.token).toMatch(/^v2v_/);
    expect(body.state).toBe("active");
    expect(Date.parse(body.expiresAt)).toBe(clock + 90 * DAY);
    expect((await bearer(body.token, "GET", "/api/v1/auth/session")).statusCode).toBe(200);
    const listed = await (await as("GET", "/api/v1/tokens/mine")).json().items;
    expect(listed.find((t: TokenDto) => t.id === body.id)).not.toHaveProperty("token");
  });

  it("refuses an expiry beyond a year, and a token cannot make tokens", async () => {
    const as = await session("coordinator-a");
    const long = await as("POST", "/api/v1/tokens", { label: "forever", expiresInDays: 366 });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].pointer).toBe("/expiresInDays");
    const viaToken = await w.call("coordinator", "A", "POST", "/api/v1/tokens", { label: "child" });
    expect(viaToken.statusCode).toBe(403);
  });
});

describe("expiry and last use", () => {
  it("a token works until it expires, then is refused with 401", async () => {
    const token = await createApiToken(w.system, "investigator-a", "short", { expiresInDays: 2 });
    expect((await bearer(token, "GET", "/api/v1/auth/session")).statusCode).toBe(200);
    clock += 2 * DAY - 1000;
    expect((await bearer(token, "GET", "/api/v1/auth/session")).statusCode).toBe(200);
    clock += 1000;
    const res = await bearer(token, "GET", "/api/v1/auth/session");
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/expired/);
    const mine = await tokensOf(w.tokens.investigator.A);
    expect(mine.find((t) => t.label === "short")?.state).toBe("expired");
  });

  it("records when a token was last used", async () => {
    const token = await createApiToken(w.system, "monitor-a", "reader");
    const label = (list: TokenDto[]) => list.find((t) => t.label === "reader")!;
    expect(label(await tokensOf(w.tokens.monitor.A)).lastUsedAt).toBeNull();
    clock += 5 * 60_000;
    await bearer(token, "GET", "/api/v1/patients");
    expect(label(await tokensOf(w.tokens.monitor.A)).lastUsedAt).toBe(new Date(clock).toISOString());
  });
});

describe("admins list and revoke their site's tokens", () => {
  it("an admin sees the tokens of their site's users and no other site's", async () => {
    const list = await tokensOf(w.tokens.admin.A, "/api/v1/tokens");
    const owners = new Set(list.map((t) => t.username));
    expect(owners.has("coordinator-a")).toBe(true);
    expect(owners.has("investigator-a")).toBe(true);
    expect([...owners].some((u) => u.endsWith("-b"))).toBe(false);
    expect((await w.call("admin", "A", "GET", `/api/v1/tokens?siteId=${w.sites.B}`)).statusCode).toBe(404);
  });

  it.each(["investigator", "coordinator", "manufacturing", "quality", "monitor"] as const)(
    "%s may not list other people's tokens (403)",
    async (role) => {
      expect((await w.call(role, "A", "GET", "/api/v1/tokens")).statusCode).toBe(403);
    },
  );

  it("the owner's site admin revokes a token: it stops working at once, and both see why in the audit", async () => {
    const token = await createApiToken(w.system, "quality-a", "qc uploader");
    const id = (await tokensOf(token)).find((t) => t.label === "qc uploader")!.id;
    // Someone without a say over it: another site's admin, a colleague at the same site.
    expect((await w.call("admin", "B", "POST", `/api/v1/tokens/${id}/revoke`, {})).statusCode).toBe(404);
    expect((await w.call("coordinator", "A", "POST", `/api/v1/tokens/${id}/revoke`, {})).statusCode).toBe(
      404,
    );
    expect((await bearer(token, "GET", "/api/v1/auth/session")).statusCode).toBe(200);

    const res = await w.call("admin", "A", "POST", `/api/v1/tokens/${id}/revoke`, { reason: "laptop lost" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe("revoked");
    expect((await bearer(token, "GET", "/api/v1/auth/session")).statusCode).toBe(401);
    expect((await w.call("admin", "A", "POST", `/api/v1/tokens/${id}/revoke`, {})).statusCode).toBe(409);

    const audit = await w.call(
      "admin",
      "A",
      "GET",
      `/api/v1/audit?siteId=${w.sites.A}&entity=api-token&entityId=${id}`,
    );
    const rows = audit.json().items as { action: string; actorName: string; reason: string | null }[];
    expect(rows.map((r) => [r.action, r.actorName, r.reason])).toEqual([
      ["token-revoke", "admin-a", "laptop lost"],
      ["token-create", "system", null],
    ]);
    const elsewhere = await w.call(
      "admin",
      "B",
      "GET",
      `/api/v1/audit?siteId=${w.sites.B}&entity=api-token&entityId=${id}`,
    );
    expect(elsewhere.json().items).toEqual([]);
  });

  it("the owner revokes their own token", async () => {
    const token = await createApiToken(w.system, "manufacturing-a", "old script");
    const id = (await tokensOf(token)).find((t) => t.label === "old script")!.id;
    expect((await bearer(token, "POST", `/api/v1/tokens/${id}/revoke`, {})).statusCode).toBe(200);
    expect((await bearer(token, "GET", "/api/v1/auth/session")).statusCode).toBe(401);
  });

  it("an unknown or malformed token id is 404", async () => {
    const unknown = "01900000-0000-7000-8000-000000000000";
    expect((await w.call("admin", "A", "POST", `/api/v1/tokens/${unknown}/revoke`, {})).statusCode).toBe(404);
    expect((await w.call("admin", "A", "POST", "/api/v1/tokens/not-an-id/revoke", {})).statusCode).toBe(400);
  });
});
