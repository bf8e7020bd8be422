/**
 * Browser sessions: HttpOnly SameSite cookies, CSRF on cookie writes, 30 minutes idle, 12 hours at
 * most, server-side logout, login rate limiting. The clock is injected, so expiry is tested
 * without waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
let clock = Date.parse("2026-01-05T08:00:00Z");
const MIN = 60_000;

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
});
afterAll(() => w.close());

async function login(username = "coordinator-a", password = PASSWORD) {
  const res = await w.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { username, password },
  });
  const cookie = res.cookies.find((c) => c.name === "v2v_session");
  return {
    res,
    cookie,
    header: cookie ? `v2v_session=${cookie.value}` : "",
    csrf: res.statusCode === 200 ? res.json().csrfToken : "",
  };
}

const get = (cookie: string, url = "/api/v1/auth/session") =>
  w.app.inject({ method: "GET", url, headers: { cookie } });

describe("login", () => {
  it("sets an HttpOnly, SameSite=Strict session cookie and returns roles and a CSRF token", async () => {
    const { res, cookie, csrf } = await login();
    expect(res.statusCode).toBe(200);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe("Strict");
    expect(csrf.length).toBeGreaterThan(20);
    expect(res.json().memberships).toEqual([{ siteId: w.sites.A, role: "coordinator" }]);
  });

  it("refuses a wrong password and an unknown user with the same 401", async () => {
    const a = await login("coordinator-a", "wrong-password!");
    const b = await login("nobody-here", "wrong-password!");
    expect(a.res.statusCode).toBe(401);
    expect(b.res.statusCode).toBe(401);
    expect(a.res.json().detail).toBe(b.res.json().detail);
    expect(a.cookie).toBeUndefined();
  });

  it("stores argon2id hashes, never the password", async () => {
    const row = await w.database.db
      .selectFrom("users")
      .select("password_hash")
      .where("username", "=", "coordinator-a")
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });
});

describe("CSRF", () => {
  it("a cookie-authenticated write without the CSRF header is refused and writes nothing", async () => {
    const { header } = await login();
    const before = (await w.database.db.selectFrom("patients").select("id").execute()).length;
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/patients",
      headers: { cookie: header },
      payload: { siteId: w.sites.A, birthYear: 1980, sex: "male" },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/CSRF/);
    expect((await w.database.db.selectFrom("patients").select("id").execute()).length).toBe(before);
  });

  it("with the right CSRF header the write goes through", async () => {
    const { header, csrf } = await login();
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/patients",
      headers: { cookie: header, "x-csrf-token": csrf },
      payload: { siteId: w.sites.A, birthYear: 1980, sex: "male" },
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  it("another session's CSRF token does not work", async () => {
    const one = await login();
    const two = await login();
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/patients",
      headers: { cookie: one.header, "x-csrf-token": two.csrf },
      payload: { siteId: w.sites.A, birthYear: 1980, sex: "male" },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe("expiry and logout", () => {
  it("expires after 30 minutes idle", async () => {
    const { header } = await login();
    clock += 29 * MIN;
    expect((await get(header)).statusCode).toBe(200);
    clock += 30 * MIN; // 30 minutes after the last request
    expect((await get(header)).statusCode).toBe(401);
  });

  it("ends after 12 hours even when used every 20 minutes", async () => {
    const { header } = await login();
    const start = clock;
    while (clock - start < 12 * 60 * MIN - 20 * MIN) {
      clock += 20 * MIN;
      expect((await get(header)).statusCode).toBe(200);
    }
    clock = start + 12 * 60 * MIN;
    expect((await get(header)).statusCode).toBe(401);
  });

  it("logout revokes the session on the server: the old cookie no longer works", async () => {
    const { header, csrf } = await login();
    const out = await w.app.inject({
      method: "POST",
      url: "/api/v1/auth/logout",
      headers: { cookie: header, "x-csrf-token": csrf },
    });
    expect(out.statusCode).toBe(204);
    expect((await get(header)).statusCode).toBe(401);
  });
});

describe("rate limiting", () => {
  it("refuses the sixth login attempt within a minute with 429 problem+json, even with the right password", async () => {
    const limited = await buildWorld({ loginRateLimit: 5 });
    try {
      const attempt = (password: string) =>
        limited.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { username: "coordinator-a", password },
        });
      for (let i = 0; i < 5; i++) expect((await attempt("wrong-password!")).statusCode).toBe(401);
      const sixth = await attempt(PASSWORD);
      expect(sixth.statusCode).toBe(429);
      expect(sixth.headers["content-type"]).toContain("application/problem+json");
      expect(sixth.cookies).toHaveLength(0);
    } finally {
      await limited.close();
    }
  });
});
