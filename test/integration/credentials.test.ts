/**
 * Credentials (issue 10): password guessing is limited per account as well as per address, the
 * client address comes from X-Forwarded-For only through a configured trusted proxy, and the one
 * password check (verifyPassword) that signatures reuse counts towards the same backoff. The clock
 * is injected, so lock periods pass without waiting.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { buildApp } from "../../src/http/app.ts";
import { verifyPassword } from "../../src/services/auth.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-02-02T08:00:00Z");
const SEC = 1000;
const MIN = 60 * SEC;

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
});
afterAll(() => w.close());

const login = (username: string, password: string, headers: Record<string, string> = {}, app = w.app) =>
  app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { username, password }, headers });

describe("per-account backoff", () => {
  it("after five wrong passwords the account is locked, even for the right password, then opens again", async () => {
    for (let i = 0; i < 5; i++)
      expect((await login("coordinator-a", "not-the-password")).statusCode).toBe(401);
    const locked = await login("coordinator-a", PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers["content-type"]).toContain("application/problem+json");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect(locked.cookies).toHaveLength(0);
    clock += 31 * SEC;
    const open = await login("coordinator-a", PASSWORD);
    expect(open.statusCode, open.body).toBe(200);
    // A success starts the count over: four more wrong ones do not lock.
    for (let i = 0; i < 4; i++)
      expect((await login("coordinator-a", "not-the-password")).statusCode).toBe(401);
    expect((await login("coordinator-a", PASSWORD)).statusCode).toBe(200);
  });

  it("one user's failures behind a shared hospital address do not lock out a colleague", async () => {
    const nat = { "x-forwarded-for": "203.0.113.7" };
    for (let i = 0; i < 6; i++) await login("investigator-a", "not-the-password", nat);
    expect((await login("investigator-a", PASSWORD, nat)).statusCode).toBe(429);
    expect((await login("monitor-a", PASSWORD, nat)).statusCode).toBe(200);
    expect((await login("quality-a", PASSWORD, nat)).statusCode).toBe(200);
  });

  it("locks grow with each further failure, up to 15 minutes", async () => {
    const name = "manufacturing-a";
    const lockAfter = async () => {
      const res = await login(name, "not-the-password");
      const next = await login(name, "not-the-password");
      expect(next.statusCode).toBe(429);
      return { first: res.statusCode, retry: Number(next.headers["retry-after"]) };
    };
    for (let i = 0; i < 4; i++) await login(name, "not-the-password");
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const { first, retry } = await lockAfter();
      expect(first).toBe(401);
      waits.push(retry);
      clock += retry * SEC;
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 900, 900]);
    expect((await login(name, PASSWORD)).statusCode).toBe(200);
  });

  it("an unknown username is answered exactly like a real one, locked included", async () => {
    for (let i = 0; i < 5; i++) {
      const real = await login("coordinator-b", "not-the-password");
      const ghost = await login("no-such-user", "not-the-password");
      expect(ghost.statusCode).toBe(real.statusCode);
      expect(ghost.json().detail).toBe(real.json().detail);
    }
    const real = await login("coordinator-b", "not-the-password");
    const ghost = await login("no-such-user", "not-the-password");
    expect([real.statusCode, ghost.statusCode]).toEqual([429, 429]);
    expect(ghost.json().detail).toBe(real.json().detail);
    clock += 31 * SEC;
  });

  it("parallel guesses cannot all slip past the limit: exactly five are checked", async () => {
    const codes = await Promise.all(
      Array.from({ length: 12 }, () => login("quality-b", "not-the-password").then((r) => r.statusCode)),
    );
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
    clock += 31 * SEC;
    expect((await login("quality-b", PASSWORD)).statusCode).toBe(200);
  });

  it("a user not seen for an hour starts with a clean slate", async () => {
    for (let i = 0; i < 4; i++) await login("monitor-b", "not-the-password");
    clock += 61 * MIN;
    for (let i = 0; i < 4; i++) expect((await login("monitor-b", "not-the-password")).statusCode).toBe(401);
    expect((await login("monitor-b", PASSWORD)).statusCode).toBe(200);
  });

  it("every failure is in the audit trail, and locked attempts say so", async () => {
    const rows = await w.database.db
      .selectFrom("audit_events")
      .select(["action", "after"])
      .where("action", "=", "login-failed")
      .where("entity_id", "=", "no-such-user")
      .execute();
    expect(rows.length).toBe(6);
    expect(rows.filter((r) => (r.after as { locked?: boolean }).locked === true)).toHaveLength(1);
  });
});

describe("verifyPassword (re-entered passwords, e.g. for a signature)", () => {
  const ctx = () => ({ ...w.system, now: () => new Date(clock) });

  it("finds the user for the right password; a wrong one, an unknown or inactive name is not ok", async () => {
    const right = await verifyPassword(ctx(), "investigator-b", PASSWORD, "signature");
    expect([right.ok, right.user?.username]).toEqual([true, "investigator-b"]);
    const wrong = await verifyPassword(ctx(), "quality-b", "not-the-password", "signature");
    expect([wrong.ok, wrong.user?.username]).toEqual([false, "quality-b"]);
    const unknown = await verifyPassword(ctx(), "nobody-at-all", PASSWORD, "signature");
    expect([unknown.ok, unknown.user]).toEqual([false, undefined]);
  });

  it("signature failures and login failures share the account's backoff", async () => {
    for (let i = 0; i < 3; i++)
      expect((await verifyPassword(ctx(), "admin-b", "not-the-password", "signature")).ok).toBe(false);
    expect((await login("admin-b", "not-the-password")).statusCode).toBe(401);
    const fifth = await verifyPassword(ctx(), "admin-b", "not-the-password", "signature");
    expect(fifth.ok).toBe(false);
    expect(fifth.lockedUntil?.getTime()).toBe(clock + 30 * SEC);
    // Locked: even the right password is refused, for signing and for login alike.
    const e = await verifyPassword(ctx(), "admin-b", PASSWORD, "signature").catch((x) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("rate-limited");
    expect((e as DomainError).details.retryAfterSeconds).toBe(30);
    expect((await login("admin-b", PASSWORD)).statusCode).toBe(429);
    const { id } = await w.database.db
      .selectFrom("users")
      .select("id")
      .where("username", "=", "admin-b")
      .executeTakeFirstOrThrow();
    const refused = await w.database.db
      .selectFrom("audit_events")
      .select("after")
      .where("action", "=", "login-failed")
      .where("entity_id", "=", id)
      .orderBy("id")
      .execute();
    const purposes = refused.map((r) => r.after as { purpose: string; locked?: boolean });
    expect(purposes.filter((p) => p.locked).map((p) => p.purpose)).toEqual(["signature", "login"]);
    clock += 31 * SEC;
    expect((await verifyPassword(ctx(), "admin-b", PASSWORD, "signature")).ok).toBe(true);
  });
});

describe("client address and trusted proxies", () => {
  const appWith = async (trustProxy?: string[]) => {
    const app = await buildApp({
      database: w.database,
      now: () => new Date(clock),
      loginRateLimit: 3,
      ...(trustProxy ? { trustProxy } : {}),
    });
    await app.ready();
    return app;
  };
  const attempts = async (app: FastifyInstance, forwardedFor: (i: number) => string) => {
    const codes = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (await login(`nobody-${i}`, "whatever-it-is", { "x-forwarded-for": forwardedFor(i) }, app))
          .statusCode,
      );
    return codes;
  };

  it("by default X-Forwarded-For is ignored: a client cannot pick a fresh address for each attempt", async () => {
    const app = await appWith();
    try {
      expect(await attempts(app, (i) => `198.51.100.${i}`)).toEqual([401, 401, 401, 429]);
    } finally {
      await app.close();
    }
  });

  it("behind a trusted proxy each client is counted under its own address", async () => {
    const app = await appWith(["127.0.0.1"]);
    try {
      expect(await attempts(app, (i) => `198.51.100.${i}`)).toEqual([401, 401, 401, 401]);
      expect(await attempts(app, () => "198.51.100.200")).toEqual([401, 401, 401, 429]);
    } finally {
      await app.close();
    }
  });

  it("a proxy that is not the trusted one cannot speak for clients", async () => {
    const app = await appWith(["10.0.0.1"]);
    try {
      expect(await attempts(app, (i) => `198.51.100.${i + 10}`)).toEqual([401, 401, 401, 429]);
    } finally {
      await app.close();
    }
  });

  it("TRUST_PROXY and LOGIN_RATE_LIMIT are read from the environment and checked", () => {
    expect(readConfig({}).trustProxy).toEqual([]);
    expect(readConfig({}).loginRateLimit).toBe(30);
    expect(readConfig({ TRUST_PROXY: " 127.0.0.1, 10.0.0.0/8 ,::1" }).trustProxy).toEqual([
      "127.0.0.1",
      "10.0.0.0/8",
      "::1",
    ]);
    for (const bad of ["true", "1", "10.0.0.0/33", "proxy.local", "10.0.0.1/8/1"])
      expect(() => readConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    expect(readConfig({ LOGIN_RATE_LIMIT: "120" }).loginRateLimit).toBe(120);
    expect(() => readConfig({ LOGIN_RATE_LIMIT: "0" })).toThrow(/LOGIN_RATE_LIMIT/);
  });
});
