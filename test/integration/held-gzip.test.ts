/**
 * Held answers go gzip-compressed to a client that asks (decision 0062, http/held-gzip.ts): the
 * same answer as the plain one, byte for byte once unzipped, with Vary: Accept-Encoding on both;
 * a cohort report asked again carries this request's instant inside the compressed body; a write
 * is seen in the compressed answer as in the plain one; anything not held, or small, goes plain.
 */
import { gunzipSync } from "node:zlib";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateScaleRegistry } from "../../src/demo/scale.ts";
import { forgetHeldReports } from "../../src/services/cohort-report-cache.ts";
import { firstInfusedPatient } from "../support/patients.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

const BROWSER = "gzip, deflate, br, zstd";
// Noon in Shenzhen on the registry's "today"; moved within the day by the tests.
let now = new Date("2026-12-01T04:00:00Z");
let w: World;
let patientId: string;

beforeAll(async () => {
  w = await buildWorld({ now: () => now });
  await generateScaleRegistry(w.database, { patients: 12, siteCodes: ["AA"], asOf: "2026-12-01", seed: 12 });
  patientId = await firstInfusedPatient(w.database);
}, 120_000);
afterAll(() => w?.close());

const get = (url: string, encoding?: string) =>
  w.call("investigator", "A", "GET", url, undefined, encoding ? { "accept-encoding": encoding } : {});

const varies = (res: LightMyRequestResponse) =>
  String(res.headers.vary ?? "")
    .toLowerCase()
    .split(/\s*,\s*/)
    .includes("accept-encoding");

const unzipped = (res: LightMyRequestResponse) => gunzipSync(res.rawPayload).toString("utf8");

const HELD = [
  { name: "patient timeline", url: () => `/api/v1/patients/${patientId}/timeline?limit=100` },
  { name: "product board", url: () => `/api/v1/product-board?siteId=${w.sites.A}` },
  { name: "LTFU contacts", url: () => `/api/v1/ltfu/contacts?siteId=${w.sites.A}` },
  { name: "site iCalendar feed", url: () => `/api/v1/sites/${w.sites.A}/visits.ics` },
  { name: "observations list", url: () => "/api/v1/observations?limit=100" },
  { name: "worklist", url: () => `/api/v1/worklist?siteId=${w.sites.A}` },
  { name: "dashboard", url: () => `/api/v1/dashboard?siteId=${w.sites.A}` },
  { name: "cohort report", url: () => "/api/v1/cohorts/outcomes" },
];

describe("a held answer asked for with gzip", () => {
  it.each(HELD)("$name: gzip, the plain answer once unzipped, asked again too", async ({ url }) => {
    await get(url()); // computed and held
    const plain = await get(url());
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(varies(plain)).toBe(true);
    for (const asked of ["first", "again"]) {
      const zipped = await get(url(), BROWSER);
      expect(zipped.statusCode, asked).toBe(200);
      expect(zipped.headers["content-encoding"], asked).toBe("gzip");
      expect(varies(zipped), asked).toBe(true);
      expect(zipped.headers["content-type"]).toBe(plain.headers["content-type"]);
      expect(Number(zipped.headers["content-length"])).toBe(zipped.rawPayload.length);
      expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
      expect(unzipped(zipped), asked).toBe(plain.body);
    }
  });

  it("writes each request's instant into a held cohort report's compressed body", async () => {
    const url = "/api/v1/cohorts/outcomes";
    await get(url); // computed and held
    const instants: string[] = [];
    for (const minute of [1, 2]) {
      now = new Date(Date.UTC(2026, 11, 1, 4, minute));
      const zipped = await get(url, BROWSER);
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      const report = JSON.parse(unzipped(zipped)) as { generatedAt: string };
      instants.push(report.generatedAt);
      expect(unzipped(zipped)).toBe((await get(url)).body);
    }
    expect(instants).toEqual(["2026-12-01T04:01:00.000Z", "2026-12-01T04:02:00.000Z"]);
  });

  it("writes each request's instant into a held cohort report sent plain, as bytes kept per piece", async () => {
    const url = "/api/v1/cohorts/outcomes";
    await get(url); // computed and held
    const bodies: string[] = [];
    for (const minute of [3, 4]) {
      now = new Date(Date.UTC(2026, 11, 1, 4, minute));
      const plain = await get(url);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers["content-type"]).toMatch(/^application\/json/);
      expect(Number(plain.headers["content-length"])).toBe(Buffer.byteLength(plain.body));
      bodies.push(plain.body);
    }
    const [a, b] = bodies.map((body) => JSON.parse(body) as { generatedAt: string });
    expect([a!.generatedAt, b!.generatedAt]).toEqual([
      "2026-12-01T04:03:00.000Z",
      "2026-12-01T04:04:00.000Z",
    ]);
    // Apart from the instant, the same report.
    expect({ ...a, generatedAt: "" }).toEqual({ ...b, generatedAt: "" });
  });

  it("sends a cohort report computed afresh compressed from its first answer", async () => {
    forgetHeldReports(w.database.db);
    const first = await get("/api/v1/cohorts/outcomes", BROWSER);
    expect(first.headers["content-encoding"]).toBe("gzip");
    expect(unzipped(first)).toBe((await get("/api/v1/cohorts/outcomes")).body);
  });

  it("shows a write in the compressed answer as in the plain one", async () => {
    const url = "/api/v1/observations?limit=100";
    const before = unzipped(await get(url, BROWSER));
    const created = await w.call("investigator", "A", "POST", "/api/v1/observations", {
      patientId,
      code: "26464-8",
      valueNumber: 5.5,
      unit: "10*9/L",
      // Before every generated record: first on the page, which runs oldest first.
      effectiveAt: "2001-01-01T03:00:00Z",
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (JSON.parse(created.body) as { id: string }).id;
    expect(before).not.toContain(id);
    const after = await get(url, BROWSER);
    expect(unzipped(after)).toContain(id);
    expect(unzipped(after)).toBe((await get(url)).body);
  });
});

describe("clients that miss a held answer at once", () => {
  it("share one computation of the site's feed: one read of its open visits, one text, gzip too", async () => {
    const url = `/api/v1/sites/${w.sites.A}/visits.ics`;
    const today = now;
    // The next day at the site: a feed not held yet, as after a write.
    now = new Date("2026-12-02T04:00:00Z");
    let visitReads = 0;
    const stop = w.database.observeQueries((q) => {
      if (/from "visits" inner join "patients"/i.test(q.sql)) visitReads++;
    });
    let answers: LightMyRequestResponse[];
    try {
      answers = await Promise.all(Array.from({ length: 6 }, (_, i) => get(url, i % 2 ? BROWSER : undefined)));
    } finally {
      stop();
      now = today;
    }
    expect(visitReads).toBe(1);
    const plain = answers.filter((_, i) => i % 2 === 0);
    const zipped = answers.filter((_, i) => i % 2 === 1);
    for (const res of answers) expect(res.statusCode, res.body).toBe(200);
    expect(plain[0]!.body).toContain("BEGIN:VCALENDAR");
    for (const res of plain) expect(res.body).toBe(plain[0]!.body);
    for (const res of zipped) {
      expect(res.headers["content-encoding"]).toBe("gzip");
      expect(unzipped(res)).toBe(plain[0]!.body);
    }
  });
});

describe("answers that go plain", () => {
  it.each([
    ["gzip refused", "gzip;q=0, br"],
    ["only brotli", "br"],
    ["identity only", "identity"],
  ])("%s: the held answer plain, still marked as varying", async (_, encoding) => {
    const res = await get(`/api/v1/product-board?siteId=${w.sites.A}`, encoding);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(varies(res)).toBe(true);
    expect(() => JSON.parse(res.body)).not.toThrow();
  });

  it("any coding (*) is taken as gzip", async () => {
    const res = await get(`/api/v1/product-board?siteId=${w.sites.A}`, "*");
    expect(res.headers["content-encoding"]).toBe("gzip");
  });

  it("an answer not held goes plain", async () => {
    const res = await get(`/api/v1/patients/${patientId}`, BROWSER);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(varies(res)).toBe(false);
  });

  it("a held answer under 1 KB goes plain", async () => {
    // Site B has no patients: its metrics are a few hundred bytes.
    const res = await w.call(
      "investigator",
      "B",
      "GET",
      `/api/v1/metrics/vein-to-vein?siteId=${w.sites.B}`,
      undefined,
      {
        "accept-encoding": BROWSER,
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body.length).toBeLessThan(1024);
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  it("the login and the session answer, which carry the CSRF token, go plain (BREACH)", async () => {
    const login = await w.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { username: w.usernames.investigator.A, password: PASSWORD },
      headers: { "accept-encoding": BROWSER },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().csrfToken).toEqual(expect.any(String));
    expect(login.headers["content-encoding"]).toBeUndefined();
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    const session = await w.app.inject({
      method: "GET",
      url: "/api/v1/auth/session",
      headers: { cookie, "accept-encoding": BROWSER },
    });
    expect(session.statusCode, session.body).toBe(200);
    expect(session.json().csrfToken).toBe(login.json().csrfToken);
    expect(session.headers["content-encoding"]).toBeUndefined();
  });

  it("a problem goes plain", async () => {
    const res = await get("/api/v1/patients/00000000-0000-7000-8000-000000000000/timeline", BROWSER);
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["content-type"]).toContain("application/problem+json");
  });
});
