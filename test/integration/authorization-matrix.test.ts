/**
 * Every role × every resource × own/other site, over HTTP. The expected outcome comes from the
 * policy written out below in plain terms (not from src/domain/roles.ts), so a change to the
 * grants that breaks the policy fails here.
 *
 * Policy: other site → 404 (its records do not exist for you); own site and the role may → 2xx;
 * own site and the role may not → 403.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_RELEASE_SPEC } from "../../src/domain/release-specs.ts";
import { ROLES, type Role } from "../../src/domain/roles.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { recordClinicalEvent } from "../../src/services/clinical-events.ts";
import { createCondition } from "../../src/services/conditions.ts";
import { enrolPatient } from "../../src/services/enrolments.ts";
import { recordMedication } from "../../src/services/medications.ts";
import { recordObservations } from "../../src/services/observations.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createUser } from "../../src/services/sites.ts";
import { createCarProduct, createStudy } from "../../src/services/studies.ts";
import {
  bagAwaitingRelease,
  bedsideReading,
  oosBag,
  quarantinedCollection,
  sig,
  thawedBag,
} from "../support/bags.ts";
import { TEMPERATURE_RANGES } from "../support/release.ts";
import { buildWorld, type SiteKey, type World } from "../support/world.ts";

type Area = "patient" | "identity" | "clinical" | "enrolment" | "study" | "audit";
type Op = "read" | "write" | "verify";

/** Who may do what at their own site, as the clinic would state it. */
const POLICY: Record<Role, Partial<Record<Area, Op[]>>> = {
  admin: {
    patient: ["read"],
    clinical: ["read"],
    enrolment: ["read"],
    study: ["read", "write"],
    audit: ["read", "verify"], // verify: the hash chain and checkpoints (decision 0021)
  },
  investigator: {
    patient: ["read", "write"],
    identity: ["read", "write"],
    clinical: ["read", "write"],
    enrolment: ["read", "write"],
    study: ["read", "write"],
  },
  coordinator: {
    patient: ["read", "write"],
    identity: ["read", "write"],
    clinical: ["read", "write"],
    enrolment: ["read", "write"],
    study: ["read"],
  },
  manufacturing: { patient: ["read"], enrolment: ["read"], study: ["read"] },
  quality: { patient: ["read"], enrolment: ["read"], study: ["read"] },
  monitor: { patient: ["read"], clinical: ["read"], enrolment: ["read"], study: ["read"], audit: ["read"] },
};

interface Fixture {
  patient: string;
  condition: string;
  observation: string;
  medication: string;
  event: string;
  study: string;
  product: string;
  enrolment: string;
}

let w: World;
const fx = {} as Record<SiteKey, Fixture>;

beforeAll(async () => {
  w = await buildWorld();
  for (const site of ["A", "B"] as const) {
    const inv = await w.as("investigator", site);
    const study = await createStudy(inv, {
      leadSiteId: w.sites[site],
      title: `Study ${site}`,
      shortName: `S-${site}`,
      phase: "phase-1",
      status: "active",
      arms: [
        {
          code: "X",
          name: "Arm X",
          doseLevels: [{ code: "DL1", label: "1e6/kg", dose: 1e6, unit: "car-cells-per-kg" }],
        },
      ],
    });
    const product = await createCarProduct(inv, {
      studyId: study.id,
      code: `P-${site}`,
      name: "cCAR",
      targets: ["CD19", "BCMA"],
      format: "compound",
      costimulatoryDomain: "4-1BB",
      vector: "lentiviral",
      doseUnit: "car-cells-per-kg",
    });
    const patient = await createPatient(inv, {
      siteId: w.sites[site],
      birthYear: 1976,
      sex: "female",
      identity: { familyName: "Test", givenName: site, sex: "female", birthDate: "1976-05-01" },
    });
    const condition = await createCondition(inv, {
      patientId: patient.id,
      codeSystem: "http://snomed.info/sct",
      code: "55464009",
      display: "Systemic lupus erythematosus",
      onsetDate: "1998-04-01",
      clinicalStatus: "active",
    });
    const [observation] = await recordObservations(inv, {
      patientId: patient.id,
      code: "4485-9",
      valueNumber: 55,
      unit: "mg/dL",
      effectiveAt: "2019-08-20T09:00:00+08:00",
    });
    const medication = await recordMedication(inv, {
      patientId: patient.id,
      drug: "prednisone",
      doseValue: 10,
      doseUnit: "mg",
      frequency: "daily",
      startDate: "2015-01-01",
    });
    const event = await recordClinicalEvent(inv, {
      patientId: patient.id,
      occurredAt: "2019-08-15T10:00:00+08:00",
      category: "referral",
      title: "Referred",
    });
    const enrolment = await enrolPatient(inv, {
      patientId: patient.id,
      studyId: study.id,
      armCode: "X",
      doseLevelCode: "DL1",
      consentDate: "2019-08-20",
      consentVersion: "1.0",
    });
    fx[site] = {
      patient: patient.id,
      condition: condition.id,
      observation: observation!.id,
      medication: medication.id,
      event: event.id,
      study: study.id,
      product: product.id,
      enrolment: enrolment.id,
    };
  }
}, 120_000);
afterAll(() => w.close());

interface Resource {
  name: string;
  area: Area;
  get?: (f: Fixture) => string;
  update?: { url: (f: Fixture) => string; body: Record<string, unknown> };
  create?: { url: string; body: (f: Fixture, siteId: string) => Record<string, unknown> };
}

const RESOURCES: Resource[] = [
  {
    name: "patient",
    area: "patient",
    get: (f) => `/api/v1/patients/${f.patient}`,
    update: {
      url: (f) => `/api/v1/patients/${f.patient}`,
      body: { birthYear: 1976, reason: "matrix check" },
    },
    create: { url: "/api/v1/patients", body: (_f, siteId) => ({ siteId, birthYear: 1980, sex: "male" }) },
  },
  {
    name: "identity",
    area: "identity",
    get: (f) => `/api/v1/patients/${f.patient}/identity`,
    update: {
      url: (f) => `/api/v1/patients/${f.patient}/identity`,
      body: { phone: "+86 000", reason: "matrix check" },
    },
  },
  {
    name: "identity history",
    area: "identity",
    get: (f) => `/api/v1/patients/${f.patient}/identity/history`,
  },
  {
    name: "condition",
    area: "clinical",
    get: (f) => `/api/v1/conditions/${f.condition}`,
    update: {
      url: (f) => `/api/v1/conditions/${f.condition}`,
      body: { note: "checked", reason: "matrix check" },
    },
    create: {
      url: "/api/v1/conditions",
      body: (f) => ({
        patientId: f.patient,
        codeSystem: "http://hl7.org/fhir/sid/icd-10",
        code: "M32.9",
        display: "SLE",
        clinicalStatus: "active",
      }),
    },
  },
  {
    name: "observation",
    area: "clinical",
    get: (f) => `/api/v1/observations/${f.observation}`,
    update: {
      url: (f) => `/api/v1/observations/${f.observation}`,
      body: { note: "checked", reason: "matrix check" },
    },
    create: {
      url: "/api/v1/observations",
      body: (f) => ({
        patientId: f.patient,
        code: "4498-2",
        valueNumber: 9,
        unit: "mg/dL",
        effectiveAt: "2019-08-21T09:00:00Z",
      }),
    },
  },
  {
    name: "medication",
    area: "clinical",
    get: (f) => `/api/v1/medications/${f.medication}`,
    update: {
      url: (f) => `/api/v1/medications/${f.medication}`,
      body: { note: "checked", reason: "matrix check" },
    },
    create: {
      url: "/api/v1/medications",
      body: (f) => ({ patientId: f.patient, drug: "hydroxychloroquine", startDate: "2016-01-01" }),
    },
  },
  {
    name: "clinical event",
    area: "clinical",
    get: (f) => `/api/v1/clinical-events/${f.event}`,
    update: {
      url: (f) => `/api/v1/clinical-events/${f.event}`,
      body: { text: "checked", reason: "matrix check" },
    },
    create: {
      url: "/api/v1/clinical-events",
      body: (f) => ({
        patientId: f.patient,
        occurredAt: "2019-08-16T10:00:00Z",
        category: "note",
        title: "Note",
      }),
    },
  },
  { name: "timeline", area: "clinical", get: (f) => `/api/v1/patients/${f.patient}/timeline` },
  {
    name: "enrolment",
    area: "enrolment",
    get: (f) => `/api/v1/enrolments/${f.enrolment}`,
    update: {
      url: (f) => `/api/v1/enrolments/${f.enrolment}`,
      body: { consentVersion: "1.0", reason: "matrix check" },
    },
  },
  {
    name: "study",
    area: "study",
    get: (f) => `/api/v1/studies/${f.study}`,
    update: { url: (f) => `/api/v1/studies/${f.study}`, body: { status: "active", reason: "matrix check" } },
  },
  {
    name: "product",
    area: "study",
    get: (f) => `/api/v1/products/${f.product}`,
    update: {
      url: (f) => `/api/v1/products/${f.product}`,
      body: { manufacturer: "GMP unit", reason: "matrix check" },
    },
    create: {
      url: "/api/v1/products",
      body: (f) => ({
        studyId: f.study,
        code: `P-${Math.random().toString(36).slice(2, 8)}`,
        name: "CD19 CAR",
        targets: ["CD19"],
        format: "single",
        costimulatoryDomain: "CD28",
        vector: "gammaretroviral",
        doseUnit: "car-cells-per-kg",
      }),
    },
  },
];

function expected(role: Role, own: boolean, area: Area, op: Op, okStatus: number): number {
  if (!own) return 404;
  return POLICY[role][area]?.includes(op) ? okStatus : 403;
}

/** The version to send: read with the investigator of the record's site (who may read everything here). */
async function currentVersion(url: string, site: SiteKey): Promise<number> {
  const res = await w.call("investigator", site, "GET", url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().version;
}

const other = (s: SiteKey): SiteKey => (s === "A" ? "B" : "A");

describe.each(ROLES)("%s", (role) => {
  for (const resource of RESOURCES) {
    for (const own of [true, false]) {
      const label = `${resource.name} at ${own ? "own" : "other"} site`;
      if (resource.get) {
        it(`reads ${label}`, async () => {
          const res = await w.call(role, "A", "GET", resource.get!(fx[own ? "A" : other("A")]));
          expect(res.statusCode, res.body).toBe(expected(role, own, resource.area, "read", 200));
          if (res.statusCode >= 400)
            expect(res.headers["content-type"]).toContain("application/problem+json");
        });
      }
      if (resource.update) {
        it(`updates ${label}`, async () => {
          const site: SiteKey = own ? "A" : "B";
          const url = resource.update!.url(fx[site]);
          const version = await currentVersion(url, site);
          const res = await w.call(role, "A", "PATCH", url, { ...resource.update!.body, version });
          expect(res.statusCode, res.body).toBe(expected(role, own, resource.area, "write", 200));
          if (res.statusCode === 200) expect(res.json().version).toBe(version + 1);
          else expect(await currentVersion(url, site)).toBe(version); // refused: nothing changed
        });
      }
      if (resource.create) {
        it(`creates ${label}`, async () => {
          const site: SiteKey = own ? "A" : "B";
          const res = await w.call(
            role,
            "A",
            "POST",
            resource.create!.url,
            resource.create!.body(fx[site], w.sites[site]),
          );
          expect(res.statusCode, res.body).toBe(expected(role, own, resource.area, "write", 201));
        });
      }
    }
  }

  it("lists only its own site's patients", async () => {
    const res = await w.call(role, "A", "GET", "/api/v1/patients?limit=1000");
    expect(res.statusCode).toBe(200);
    const sites = new Set(res.json().items.map((p: { siteId: string }) => p.siteId));
    expect([...sites]).toEqual([w.sites.A]);
  });

  it("lists observations only where the role reads clinical data", async () => {
    const res = await w.call(role, "A", "GET", "/api/v1/observations?limit=1000");
    if (POLICY[role].clinical?.includes("read")) {
      expect(res.statusCode).toBe(200);
      const ids = res.json().items.map((o: { id: string }) => o.id);
      expect(ids).toContain(fx.A.observation);
      expect(ids).not.toContain(fx.B.observation);
    } else expect(res.statusCode).toBe(403);
  });

  it("reads the audit trail of its own site only if allowed", async () => {
    const own = await w.call(role, "A", "GET", `/api/v1/audit?siteId=${w.sites.A}`);
    expect(own.statusCode).toBe(POLICY[role].audit?.includes("read") ? 200 : 403);
    const foreign = await w.call(role, "A", "GET", `/api/v1/audit?siteId=${w.sites.B}`);
    expect(foreign.statusCode).toBe(POLICY[role].audit?.includes("read") ? 404 : 403);
  });

  it("verifies the audit chain for its own site only if allowed", async () => {
    const own = await w.call(role, "A", "GET", `/api/v1/admin/audit/verify?siteId=${w.sites.A}`);
    expect(own.statusCode).toBe(POLICY[role].audit?.includes("verify") ? 200 : 403);
    const foreign = await w.call(role, "A", "GET", `/api/v1/admin/audit/verify?siteId=${w.sites.B}`);
    expect(foreign.statusCode).toBe(POLICY[role].audit?.includes("verify") ? 404 : 403);
  });
});

describe("without credentials", () => {
  it.each([
    "/api/v1/patients",
    "/api/v1/observations",
    "/api/v1/studies",
    "/api/v1/audit",
    "/api/v1/admin/audit/verify",
    "/api/v1/auth/session",
  ])("GET %s is 401 problem+json", async (url) => {
    const res = await w.app.inject({ method: "GET", url });
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toContain("application/problem+json");
  });
  it("a made-up bearer token is 401", async () => {
    const res = await w.app.inject({
      method: "GET",
      url: "/api/v1/patients",
      headers: { authorization: "Bearer v2v_nope" },
    });
    expect(res.statusCode).toBe(401);
  });
  it("health needs no login", async () => {
    const res = await w.app.inject({ method: "GET", url: "/api/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe("ok");
  });
});

/**
 * User, site and study administration (issue 10), in plain terms:
 * - Users and their API tokens are the admins' business, at their own site: only an admin lists
 *   users or their tokens, creates users (with roles at their own site) or revokes someone else's
 *   token. Anyone else gets 403 for lists and creation (refused before anything is looked up), and
 *   another person's token does not exist for them (404). Another site is 404 even for an admin.
 * - Every member reads their own site; only its admin changes it.
 * - Admins and investigators of the lead site create and run studies: the study, its sites, visit
 *   schedule, lymphodepletion regimen, CAR products and release specifications. A site takes part
 *   only on the word of its own admin or investigator, so listing a site where you have no role is
 *   404 for those who may run studies (and 403, as ever, for those who may not).
 */
const ADMIN: Role[] = ["admin"];
const RUNS_STUDIES: Role[] = ["admin", "investigator"];

/** own site: allowed → ok, else 403; other site: 404. */
const adminPolicy = (allowed: Role[], ok: number) => (role: Role, own: boolean) =>
  own ? (allowed.includes(role) ? ok : 403) : 404;

interface AdminCase {
  name: string;
  /** the request as `role` at site A against site `target` (A: own, B: other) */
  run: (role: Role, target: SiteKey) => Promise<{ statusCode: number; body: string }>;
  expected: (role: Role, own: boolean) => number;
  /** after a refusal: nothing changed */
  unchanged?: (role: Role, target: SiteKey) => Promise<void>;
}

let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}`;

async function versionOf(url: string, site: SiteKey, as: Role = "investigator"): Promise<number> {
  const res = await w.call(as, site, "GET", url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().version;
}

const ADMIN_CASES: AdminCase[] = [
  {
    name: "creates a user with a role at the site",
    run: (role, target) =>
      w.call(role, "A", "POST", "/api/v1/users", {
        username: unique(`made-by-${role}`),
        displayName: "Matrix user",
        password: "violets grow under the old bridge",
        memberships: [{ siteId: w.sites[target], role: "monitor" }],
      }),
    expected: (role, own) => (role !== "admin" ? 403 : own ? 201 : 404),
    unchanged: async (role) => {
      const made = await w.database.db
        .selectFrom("users")
        .select("username")
        .where("username", "=", `made-by-${role}-${seq}`)
        .execute();
      expect(made).toEqual([]);
    },
  },
  {
    name: "lists the API tokens of the site's users",
    run: (role, target) => w.call(role, "A", "GET", `/api/v1/tokens?siteId=${w.sites[target]}`),
    expected: (role, own) => (role !== "admin" ? 403 : own ? 200 : 404),
  },
  {
    name: "revokes an API token of a user of the site",
    run: async (role, target) => {
      const token = await createApiToken(w.system, await tokenOwner(target), unique("victim"));
      lastToken = token;
      const mine = await w.app.inject({
        method: "GET",
        url: "/api/v1/tokens/mine",
        headers: { authorization: `Bearer ${token}` },
      });
      const id = (mine.json().items as { id: string; label: string }[]).find(
        (t) => t.label === `victim-${seq}`,
      )!.id;
      return w.call(role, "A", "POST", `/api/v1/tokens/${id}/revoke`, { reason: "matrix check" });
    },
    expected: (role, own) => (role === "admin" && own ? 200 : 404),
    unchanged: async () => {
      const still = await w.app.inject({
        method: "GET",
        url: "/api/v1/auth/session",
        headers: { authorization: `Bearer ${lastToken}` },
      });
      expect(still.statusCode).toBe(200);
    },
  },
  {
    name: "reads the site",
    run: (role, target) => w.call(role, "A", "GET", `/api/v1/sites/${w.sites[target]}`),
    expected: (_role, own) => (own ? 200 : 404),
  },
  {
    name: "changes the site",
    run: async (role, target) => {
      const url = `/api/v1/sites/${w.sites[target]}`;
      const version = await versionOf(url, target, "admin");
      lastVersion = version;
      return w.call(role, "A", "PATCH", url, {
        department: `Dept ${unique("d")}`,
        reason: "matrix check",
        version,
      });
    },
    expected: adminPolicy(ADMIN, 200),
    unchanged: async (_role, target) => {
      expect(await versionOf(`/api/v1/sites/${w.sites[target]}`, target, "admin")).toBe(lastVersion);
    },
  },
  {
    name: "creates a study led by the site",
    run: (role, target) =>
      w.call(role, "A", "POST", "/api/v1/studies", {
        leadSiteId: w.sites[target],
        title: "Matrix study",
        shortName: unique("MX"),
        phase: "phase-1",
        status: "active",
        arms: [{ code: "X", name: "Arm X" }],
      }),
    expected: adminPolicy(RUNS_STUDIES, 201),
  },
  {
    // own: a new study led by one's own site that lists the other; other: led by the other site,
    // listing one's own
    name: "creates a study led by the site that lists a site where the caller has no role",
    run: (role, target) =>
      w.call(role, "A", "POST", "/api/v1/studies", {
        leadSiteId: w.sites[target],
        siteIds: [w.sites[other(target)]],
        title: "Matrix study across sites",
        shortName: unique("MXS"),
        phase: "phase-1",
        status: "active",
        arms: [{ code: "X", name: "Arm X" }],
      }),
    expected: (role, own) => (own && !RUNS_STUDIES.includes(role) ? 403 : 404),
  },
  {
    // own: the other site into one's own study; other: one's own site into the other's study
    name: "adds a site to the site's study",
    run: (role, target) =>
      w.call(role, "A", "POST", `/api/v1/studies/${fx[target].study}/sites`, {
        siteId: w.sites[other(target)],
        reason: "matrix check",
      }),
    expected: (role, own) => (own && !RUNS_STUDIES.includes(role) ? 403 : 404),
    unchanged: async (_role, target) => {
      const sites = await w.database.db
        .selectFrom("study_sites")
        .select("site_id")
        .where("study_id", "=", fx[target].study)
        .execute();
      expect(sites.map((r) => r.site_id)).toEqual([w.sites[target]]);
    },
  },
  {
    name: "sets the visit schedule of the site's study",
    run: async (role, target) => {
      const url = `/api/v1/studies/${fx[target].study}/visit-schedule`;
      const stored = (await w.call("investigator", target, "GET", url)).json().stored as {
        armCode: string | null;
        version: number;
      }[];
      const version = stored.find((x) => x.armCode === null)?.version;
      return w.call(role, "A", "PUT", url, {
        schedule: {
          name: unique("Matrix schedule"),
          visits: [
            {
              code: "D7",
              label: "Day 7",
              offset: { unit: "day", value: 7 },
              window: { minusDays: 1, plusDays: 1 },
            },
          ],
        },
        reason: "matrix check",
        ...(version ? { version } : {}),
      });
    },
    expected: adminPolicy(RUNS_STUDIES, 200),
  },
  {
    name: "sets the lymphodepletion regimen of the site's study",
    run: async (role, target) => {
      const regimens = (
        await w.call(
          "investigator",
          target,
          "GET",
          `/api/v1/studies/${fx[target].study}/lymphodepletion-regimens`,
        )
      ).json().items as { armCode: string; version: number }[];
      const version = regimens.find((r) => r.armCode === "")?.version;
      return w.call(role, "A", "PUT", `/api/v1/studies/${fx[target].study}/lymphodepletion-regimen`, {
        name: unique("Flu/Cy"),
        regimen: [
          { drug: "FLUDARABINE", doseMgPerM2PerDay: 30, days: [-5, -4, -3] },
          { drug: "CYCLOPHOSPHAMIDE", doseMgPerM2PerDay: 500, days: [-5, -4, -3] },
        ],
        reason: "matrix check",
        ...(version ? { version } : {}),
      });
    },
    expected: adminPolicy(RUNS_STUDIES, 200),
  },
  {
    name: "adds a release specification to the site's CAR product",
    run: (role, target) =>
      w.call(role, "A", "POST", "/api/v1/release-specs", {
        carProductId: fx[target].product,
        criteria: EXAMPLE_RELEASE_SPEC.criteria,
        temperatureRanges: TEMPERATURE_RANGES,
      }),
    expected: adminPolicy(RUNS_STUDIES, 201),
  },
];
let lastToken = "";
let lastVersion = 0;

/** A monitor at the site who is none of the callers, so revoking their token is never one's own. */
const owners = new Map<SiteKey, Promise<string>>();
function tokenOwner(site: SiteKey): Promise<string> {
  let made = owners.get(site);
  if (!made) {
    made = createUser(w.system, {
      username: `token-owner-${site.toLowerCase()}`,
      displayName: `Token owner at ${site}`,
      memberships: [{ siteId: w.sites[site], role: "monitor" }],
    }).then((u) => u.username);
    owners.set(site, made);
  }
  return made;
}

describe.each(ROLES)("%s, administration", (role) => {
  for (const c of ADMIN_CASES)
    for (const own of [true, false]) {
      it(`${c.name} at ${own ? "own" : "other"} site`, async () => {
        const target: SiteKey = own ? "A" : "B";
        const res = await c.run(role, target);
        const want = c.expected(role, own);
        expect(res.statusCode, res.body).toBe(want);
        if (want >= 400) {
          expect(JSON.parse(res.body).type).toMatch(/problems\/(forbidden|not-found)$/);
          await c.unchanged?.(role, target);
        }
      });
    }

  it("lists users only if admin, and only its own site's", async () => {
    const res = await w.call(role, "A", "GET", "/api/v1/users");
    if (role !== "admin") return expect(res.statusCode).toBe(403);
    expect(res.statusCode).toBe(200);
    const users = res.json().items as { username: string; memberships: { siteId: string }[] }[];
    expect(users.map((u) => u.username)).toContain("coordinator-a");
    expect(users.every((u) => u.memberships.some((m) => m.siteId === w.sites.A))).toBe(true);
    expect(users.map((u) => u.username)).not.toContain("coordinator-b");
  });
});

/**
 * Signed decisions (issue 10, decision 0022), in plain terms: the signed-in user signs with their
 * own username and password, so each role is tried with its own signature.
 * - QA release and QA's quarantine decision: quality only.
 * - The OOS exception: an investigator signs as investigator, quality as QA.
 * - The bedside check: the clinical roles (investigator, coordinator), with a second clinical
 *   signer of the site.
 * Another site's product is 404 for everyone; a refusal changes nothing (the product keeps its
 * state, no signature is written).
 */
const CLINICAL: Role[] = ["investigator", "coordinator"];

interface SignedCase {
  name: string;
  allowed: Role[];
  ok: number;
  /** the product the case acts on at a site, made once per site */
  fixture: (site: SiteKey) => Promise<string>;
  body: (role: Role, site: SiteKey) => Record<string, unknown>;
  url: (id: string) => string;
}

const fixtures = new Map<string, Promise<string>>();
const once = (key: string, make: () => Promise<string>) => {
  let made = fixtures.get(key);
  if (!made) {
    made = make();
    fixtures.set(key, made);
  }
  return made;
};
const thawedReadings = new Map<string, Record<string, unknown>>();

const SIGNED_CASES: SignedCase[] = [
  {
    name: "releases a bag awaiting QA release",
    allowed: ["quality"],
    ok: 201,
    fixture: (site) => once(`release-${site}`, async () => (await bagAwaitingRelease(w, site)).bagId),
    body: (role) => ({ signatures: [sig(w, role, "A", "released")] }),
    url: (id) => `/api/v1/product-units/${id}/release`,
  },
  {
    name: "decides on a quarantined product",
    allowed: ["quality"],
    ok: 200,
    fixture: (site) =>
      once(`quarantine-${site}`, async () => (await quarantinedCollection(w, site)).collectionId),
    body: (role) => ({
      decision: "release",
      reason: "matrix check",
      signatures: [sig(w, role, "A", "released from quarantine")],
    }),
    url: (id) => `/api/v1/product-units/${id}/quarantine-decisions`,
  },
  {
    name: "signs an OOS exception as investigator",
    allowed: ["investigator"],
    ok: 201,
    fixture: (site) => once(`oos-inv-${site}`, async () => (await oosBag(w, site)).bagId),
    body: (role) => ({
      rationale: "matrix check",
      signatures: [{ ...sig(w, role, "A", "approved deviation"), capacity: "investigator" }],
    }),
    url: (id) => `/api/v1/product-units/${id}/oos-exception/signatures`,
  },
  {
    name: "signs an OOS exception as QA",
    allowed: ["quality"],
    ok: 201,
    fixture: (site) => once(`oos-qa-${site}`, async () => (await oosBag(w, site)).bagId),
    body: (role) => ({
      rationale: "matrix check",
      signatures: [{ ...sig(w, role, "A", "approved deviation"), capacity: "qa" }],
    }),
    url: (id) => `/api/v1/product-units/${id}/oos-exception/signatures`,
  },
  {
    name: "verifies a thawed bag at the bedside",
    allowed: CLINICAL,
    ok: 201,
    fixture: (site) =>
      once(`bedside-${site}`, async () => {
        const bag = await thawedBag(w, site);
        thawedReadings.set(bag.bagId, bedsideReading(bag));
        return bag.bagId;
      }),
    body: (role) => ({
      signatures: [
        sig(w, role, "A", "verified product identity at bedside"),
        sig(
          w,
          role === "investigator" ? "coordinator" : "investigator",
          "A",
          "verified product identity at bedside",
        ),
      ],
    }),
    url: (id) => `/api/v1/products/${id}/bedside-verifications`,
  },
];

const signedState = async (id: string, site: SiteKey) => {
  const unit = (await w.call("monitor", site, "GET", `/api/v1/product-units/${id}`)).json();
  const signatures = (await w.call("monitor", site, "GET", `/api/v1/product-units/${id}/signatures`)).json();
  return { state: unit.state, version: unit.version, signatures: signatures.items.length };
};

describe.each(ROLES)("%s, signed decisions", (role) => {
  for (const c of SIGNED_CASES)
    for (const own of [true, false])
      it(`${c.name} at ${own ? "own" : "other"} site`, async () => {
        const site: SiteKey = own ? "A" : "B";
        const id = await c.fixture(site);
        const before = await signedState(id, site);
        const res = await w.call(role, "A", "POST", c.url(id), {
          ...thawedReadings.get(id),
          ...c.body(role, site),
        });
        const want = own ? (c.allowed.includes(role) ? c.ok : 403) : 404;
        expect(res.statusCode, res.body).toBe(want);
        if (want >= 400) {
          expect(JSON.parse(res.body).type).toMatch(/problems\/(forbidden|not-found)$/);
          expect(await signedState(id, site)).toEqual(before);
        } else expect((await signedState(id, site)).signatures).toBeGreaterThan(before.signatures);
      }, 60_000);
});
