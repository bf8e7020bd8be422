/**
 * The HTTP layer against an attacker (issue 10): bodies built to freeze the event loop, errors
 * Fastify raises before routing, crafted cursors, and the headers every response must carry.
 * Timings are compared with a plain request in the same run (a ratio), never with a fixed bound.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.ts";
import { MAX_JSON_DEPTH } from "../../src/http/json-body.ts";
import { encodeCursor } from "../../src/services/pagination.ts";
import { createPatient } from "../../src/services/patients.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await createPatient(await w.as("coordinator", "A"), { siteId: w.sites.A, birthYear: 1976, sex: "female" })
  ).id;
});
afterAll(() => w.close());

const postLogin = (payload: string) =>
  w.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    headers: { "content-type": "application/json" },
    payload,
  });

async function medianMs(run: () => Promise<unknown>, times = 7): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

const MB = 1024 * 1024;

/** `branches` arrays side by side, each nested `depth` deep around a short string. */
function wideNested(depth: number, totalBytes: number, leaf = '"x"'): string {
  const branch = "[".repeat(depth) + leaf + "]".repeat(depth);
  const n = Math.max(1, Math.floor(totalBytes / (branch.length + 1)));
  return `[${Array(n).fill(branch).join(",")}]`;
}

describe("request bodies that would block the server", () => {
  const postObservations = (payload: string) =>
    w.app.inject({
      method: "POST",
      url: "/api/v1/observations",
      headers: { "content-type": "application/json", authorization: `Bearer ${w.tokens.coordinator.A}` },
      payload,
    });
  const deep = "[".repeat(MB / 2) + "]".repeat(MB / 2);

  it("refuses a 1 MB body at the login, the one route open without a session, before reading it", async () => {
    const res = await postLogin(deep);
    expect(res.statusCode).toBe(413);
    expect(res.headers["content-type"]).toContain("application/problem+json");
  });

  it("refuses a 1 MB body nested half a million deep with 400, in the time it takes to move 1 MB", async () => {
    const res = await postObservations(deep);
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json().errors).toEqual([
      expect.objectContaining({ in: "body", pointer: "", code: "too_deep" }),
    ]);

    const small = await medianMs(() => postObservations("{}"));
    const flat = JSON.stringify(Array(Math.floor(MB / 4)).fill("x")); // the same bytes, one level
    const flatMs = await medianMs(() => postObservations(flat));
    const nested = await medianMs(() => postObservations(deep));
    // Before the fix the nested body took hundreds of times a small request (a path copied at
    // every level) and ended in a 500. Now it costs what moving 1 MB costs: no more than the flat
    // body of the same size, and a bounded multiple of a small request.
    expect(nested / flatMs).toBeLessThan(3);
    expect(nested / small).toBeLessThan(100);
  });

  it("names the NUL deep inside a 1 MB body nested to the limit", async () => {
    const withinLimit = wideNested(MAX_JSON_DEPTH - 1, MB);
    const withNul = `${withinLimit.slice(0, -1)},${"[".repeat(MAX_JSON_DEPTH - 1)}"a\\u0000b"${"]".repeat(MAX_JSON_DEPTH - 1)}]`;
    const res = await postObservations(withNul);
    expect(res.statusCode).toBe(400);
    const [issue] = res.json().errors;
    expect(issue.code).toBe("nul_character");
    const branches = JSON.parse(withinLimit).length as number;
    expect(issue.pointer).toBe(`/${branches}${"/0".repeat(MAX_JSON_DEPTH - 1)}`);
  });

  it("draws the line at the limit: one level more is refused, the limit itself is parsed", async () => {
    const atLimit = await postLogin("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH));
    expect(atLimit.statusCode).toBe(400);
    expect(atLimit.json().errors[0].code).not.toBe("too_deep"); // refused by the login schema instead
    const past = await postLogin("[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1));
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].code).toBe("too_deep");
  });

  it("does not count brackets inside strings, and reads an escaped backslash before u0000 as text", async () => {
    const res = await postLogin(
      JSON.stringify({ username: "[".repeat(MAX_JSON_DEPTH + 30), password: '\\u0000"{{' }),
    );
    expect(res.statusCode).toBe(401); // a wrong login, not a malformed body
  });
});

describe("errors Fastify raises itself", () => {
  it("answers a malformed URL encoding with problem+json, not Fastify's own JSON", async () => {
    const res = await w.call("admin", "A", "GET", "/api/v1/patients/%E0%A4%A");
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ type: "https://vein2vein.org/problems/bad-url", status: 400 });
    expect(res.json()).not.toHaveProperty("code");
  });

  it("answers an unsupported media type with problem+json", async () => {
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "content-type": "application/x-evil" },
      payload: "x",
    });
    expect(res.statusCode).toBe(415);
    expect(res.headers["content-type"]).toContain("application/problem+json");
  });
});

describe("crafted cursors", () => {
  const crafted = [
    encodeCursor(["not-a-uuid"]),
    encodeCursor(["'; DROP TABLE patients; --"]),
    encodeCursor(["2026-13-45T99:00:00.000Z", "0190a0a0-0000-7000-8000-000000000000"]),
    encodeCursor(["x", "y"]),
    encodeCursor([1, 2, 3]),
    "%%%",
  ];
  const lists = [
    "/api/v1/patients",
    "/api/v1/observations",
    "/api/v1/audit",
    "/api/v1/conditions",
    "/api/v1/medications",
    "/api/v1/clinical-events",
    "/api/v1/enrolments",
    "/api/v1/studies",
    "/api/v1/products",
    () => `/api/v1/patients/${patientId}/timeline`,
    () => `/api/v1/patients/${patientId}/assessments`,
  ];
  // The patient list is ordered by subject code: its cursor is (text, uuid), so any text with a
  // uuid is a legal place to start from — a "date" that is no date included.
  const legalFor: Record<string, string[]> = { "/api/v1/patients": [crafted[2]!] };
  it("a patient-list cursor of any text and a uuid is a place in the list, not an error", async () => {
    const res = await w.call(
      "investigator",
      "A",
      "GET",
      `/api/v1/patients?cursor=${encodeURIComponent(crafted[2]!)}`,
    );
    expect(res.statusCode).toBe(200);
  });

  it("get 400 invalid_cursor on every list, never a 500", async () => {
    for (const list of lists) {
      const url = typeof list === "string" ? list : list();
      for (const cursor of crafted.filter((c) => !legalFor[url]?.includes(c))) {
        const res = await w.call(
          url === "/api/v1/audit" ? "monitor" : "investigator",
          "A",
          "GET",
          `${url}?cursor=${encodeURIComponent(cursor)}`,
        );
        expect(res.statusCode, `${url} ${cursor}: ${res.body}`).toBe(400);
        expect(res.json().errors[0].code).toBe("invalid_cursor");
      }
    }
  });
});

describe("response headers", () => {
  it("puts CSP, nosniff, no-referrer and no framing on the page and on the API reference", async () => {
    for (const url of ["/", "/patients/x", "/api/docs/"]) {
      const res = await w.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"], url).toMatch(/^text\/html/);
      const csp = String(res.headers["content-security-policy"]);
      expect(csp, url).toMatch(/frame-ancestors 'none'/);
      expect(csp, url).toMatch(/script-src 'self'/);
      expect(csp, url).not.toContain("unsafe-eval");
      expect(csp, url).not.toContain("upgrade-insecure-requests"); // plain HTTP by default
      expect(res.headers["x-frame-options"], url).toBe("DENY");
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
      expect(res.headers["referrer-policy"], url).toBe("no-referrer");
      expect(res.headers["strict-transport-security"], url).toBeUndefined();
    }
  });

  it("marks every API response with patient data no-store, errors included", async () => {
    for (const url of [`/api/v1/patients/${patientId}`, "/api/v1/patients", "/api/v1/patients/nope"]) {
      const res = await w.call("coordinator", "A", "GET", url);
      expect(res.headers["cache-control"], url).toBe("no-store");
      expect(res.headers["x-content-type-options"], url).toBe("nosniff");
    }
  });

  it("sends HSTS only when the server is told it is behind HTTPS", async () => {
    const secure = await buildApp({ database: w.database, secureCookies: true });
    try {
      const res = await secure.inject({ method: "GET", url: "/api/health" });
      expect(res.headers["strict-transport-security"]).toMatch(/max-age=31536000/);
      expect(String(res.headers["content-security-policy"])).toContain("upgrade-insecure-requests");
    } finally {
      await secure.close();
    }
  });
});
