/**
 * `v2v journey …` and `v2v product …` as a user runs them, in process on the test's database
 * (test/support/cli.ts), prepared through the services. Reads need no login (read-only monitor), a move acts as
 * the named user; bad input prints the problem and exits non-zero (2 for input the service refuses).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFor } from "../../src/services/auth.ts";
import { type ServiceContext, systemActor } from "../../src/services/context.ts";
import { enrolPatient } from "../../src/services/enrolments.ts";
import { applyJourney, openJourney } from "../../src/services/journeys.ts";
import { createSlot } from "../../src/services/manufacturing-slots.ts";
import { createPatient } from "../../src/services/patients.ts";
import { recordCollection } from "../../src/services/products.ts";
import { createSite, createUser } from "../../src/services/sites.ts";
import { createCarProduct, createStudy } from "../../src/services/studies.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { testDatabase } from "../support/database.ts";

const dataDir = mkdtempSync(join(tmpdir(), "v2v-journey-cli-"));
let journeyId: string;
let collectionId: string;
let subjectCode: string;

let database: Database;
const v2v = (...args: string[]) => runV2v(database, args);

beforeAll(async () => {
  database = await testDatabase();
  {
    const now = () => new Date("2026-03-01T02:00:00Z");
    const system: ServiceContext = { db: database.db, actor: systemActor(), now };
    const site = await createSite(system, {
      code: "AA",
      name: "Site A",
      department: "Hematology",
      timeZone: "Asia/Shanghai",
    });
    const as = async (username: string, role: "coordinator" | "investigator" | "manufacturing") => {
      const u = await createUser(system, {
        username,
        displayName: username,
        password: "correct-horse-battery",
        memberships: [{ siteId: site.id, role }],
      });
      return { db: database.db, actor: await actorFor(database.db, u.id, username), now } as ServiceContext;
    };
    const inv = await as("inv", "investigator");
    const coord = await as("coord", "coordinator");
    const mfg = await as("mfg", "manufacturing");
    const study = await createStudy(inv, {
      leadSiteId: site.id,
      title: "cCAR",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    });
    const product = await createCarProduct(inv, {
      studyId: study.id,
      code: "CCAR",
      name: "Compound CAR",
      targets: ["CD19", "BCMA"],
      format: "compound",
      costimulatoryDomain: "4-1BB",
      vector: "lentiviral",
      doseUnit: "car-cells-per-kg",
    });
    await createSlot(mfg, {
      carProductId: product.id,
      siteId: site.id,
      facility: "GMP unit",
      startsOn: "2026-03-10",
      collectionWindowDays: 2,
      capacity: 3,
    });
    const journeyTo = async (last: string) => {
      const patient = await createPatient(coord, { siteId: site.id, birthYear: 1975, sex: "female" });
      const enrolment = await enrolPatient(inv, {
        patientId: patient.id,
        studyId: study.id,
        armCode: "LYM",
        consentDate: "2026-02-01",
        consentVersion: "1",
      });
      const j = await openJourney(coord, enrolment.id);
      let version = j.version;
      for (const body of [
        { type: "consult" },
        { type: "sign-consent", scopes: ["trial"] },
        { type: "start-screening" },
        { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
        { type: "book-apheresis", apheresisDate: "2026-03-09" },
        { type: "record-apheresis" },
      ]) {
        version = (await applyJourney(coord, j.id, body, version)).version;
        if (body.type === last) break;
      }
      return { journeyId: j.id, subjectCode: patient.subjectCode };
    };
    ({ journeyId, subjectCode } = await journeyTo("enrol"));
    const apheresed = await journeyTo("record-apheresis");
    collectionId = (await recordCollection(mfg, apheresed.journeyId, { productCode: "S1234V00" })).id;
  }
});
afterAll(async () => {
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("v2v journey", () => {
  it("list shows the site's journeys with subject code and state", async () => {
    const r = await v2v("journey", "list", "--site", "AA");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${subjectCode}\\s+enrolled\\s+on-study`));
    expect(r.stdout).toContain("2 journey(s)");
  });

  it("move books apheresis as the named user, taking the free slot", async () => {
    const r = await v2v(
      "journey",
      "move",
      journeyId,
      "book-apheresis",
      "--as",
      "coord",
      "--data",
      '{"apheresisDate":"2026-03-08"}',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("enrolled → apheresis-scheduled");
    const slots = await v2v("product", "slots", "--free");
    expect(slots.stdout).toMatch(/2026-03-10\s+2026-03-08\s+GMP unit\s+2\/3\s+1/);
  });

  it("a refused move prints the rule's message and exits 1; nothing changes", async () => {
    const r = await v2v(
      "journey",
      "move",
      journeyId,
      "reschedule-apheresis",
      "--as",
      "coord",
      "--data",
      '{"apheresisDate":"2027-01-01"}',
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no manufacturing slot/);
    const show = await v2v("journey", "show", journeyId);
    expect(show.status, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/apheresis 2026-03-08\s+booked/);
  });

  it("bad input exits 2 with a clear message: broken JSON, an id that is not one, an unknown site", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["journey", "move", journeyId, "withdraw", "--as", "coord", "--data", "{oops"],
        /--data is not valid JSON/,
      ],
      [["journey", "show", "J-1"], /"J-1" is not a journey id/],
      [["journey", "list", "--site", "ZZ"], /No site with code ZZ/],
    ];
    for (const [args, message] of cases) {
      const r = await v2v(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("a move without --as is refused by the command line itself", async () => {
    const r = await v2v("journey", "move", journeyId, "withdraw");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--as/);
  });
});

describe("v2v product", () => {
  it("show prints the DIN with its check character and the history", async () => {
    const r = await v2v("product", "show", collectionId);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/DIN V2V99\d{8} \[[0-9A-Z*]\]/);
    expect(r.stdout).toContain("state collected");
  });

  it("label writes the print-ready HTML with its bar codes to a file", async () => {
    const out = join(dataDir, "label.html");
    const r = await v2v("product", "label", collectionId, "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/label for DIN .* written to/);
    const html = readFileSync(out, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('data-barcode="din"');
    expect(html).toContain("<svg");
  });

  it("metrics prints the counts with their n", async () => {
    const r = await v2v("product", "metrics", "--site", "AA");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("vein-to-vein         n=0");
    expect(r.stdout).toContain("failure rate         0/0");
  });
});
