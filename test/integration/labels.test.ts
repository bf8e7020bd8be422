/**
 * Product labels over HTTP: print-ready HTML whose Code 128 bars decode to the unit's own DIN (with
 * its Type 3 check flags) and product code, the boxed check character, the CAR product's name from
 * the journey's manufacturing slot (escaped), and the same access as reading the product.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dinCheckCharacter, mod37_2Checksum } from "../../src/domain/isbt128.ts";
import { createCarProduct } from "../../src/services/studies.ts";
import { decodeSvg } from "../support/code128.ts";
import { makeSlot } from "../support/slots.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let unit: { id: string; din: string; coiId: string; productCode: string };
let oddUnitId: string;

async function collectedUnit(studyId: string, slotId: string, productCode: string) {
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1980,
      sex: "male",
    })
  ).json();
  const enrolment = (
    await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId,
      armCode: "LYM",
      consentDate: "2026-01-05",
      consentVersion: "1",
    })
  ).json();
  const journeyId = (
    await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolment.id}/journey`)
  ).json().id;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", manufacturingSlotId: slotId, apheresisDate: "2026-02-01" },
    { type: "record-apheresis" },
  ]) {
    const v = (await w.call("monitor", "A", "GET", `/api/v1/journeys/${journeyId}`)).json().version;
    const res = await w.call("coordinator", "A", "POST", `/api/v1/journeys/${journeyId}/events`, body, {
      "if-match": `"${v}"`,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  const res = await w.call("manufacturing", "A", "POST", `/api/v1/journeys/${journeyId}/collections`, {
    productCode,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  w = await buildWorld();
  const study = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "cCAR",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json();
  const product = await createCarProduct(await w.as("investigator", "A"), {
    studyId: study.id,
    code: "CCAR",
    name: `CD19 & BCMA <compound>`,
    targets: ["CD19", "BCMA"],
    format: "compound",
    costimulatoryDomain: "4-1BB",
    vector: "lentiviral",
    doseUnit: "car-cells-per-kg",
  });
  const slot = await makeSlot(w, product.id, { startsOn: "2026-02-02", capacity: 5 });
  unit = await collectedUnit(study.id, slot.id, "S1234V00");
  oddUnitId = (await collectedUnit(study.id, slot.id, "S12345")).id;
});
afterAll(() => w.close());

const label = (role: "monitor" | "coordinator" | "manufacturing", site: "A" | "B", id: string, q = "") =>
  w.call(role, site, "GET", `/api/v1/product-units/${id}/label${q}`);

describe("GET /api/v1/product-units/{id}/label", () => {
  it("serves print-ready HTML whose DIN bars decode to this unit's DIN with its check flags", async () => {
    const res = await label("monitor", "A", unit.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    // An HTML page of ours: never framed, never sniffed, never cached on the ward's tablet.
    expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
    const html = res.body;
    const svgOf = (name: string) =>
      new RegExp(`data-barcode="${name}" data-content="[^"]*">(<svg[\\s\\S]*?</svg>)`).exec(html)![1]!;
    const flags = String(mod37_2Checksum(unit.din) + 60);
    expect(decodeSvg(svgOf("din"))).toBe(`=${unit.din}${flags}`);
    expect(decodeSvg(svgOf("product-code"))).toBe(`=<${unit.productCode}`);
    expect(decodeSvg(svgOf("coi"))).toBe(`&/${unit.coiId}`);
    const k = dinCheckCharacter(unit.din);
    expect(html).toContain(
      `${unit.din.slice(0, 5)} ${unit.din.slice(5, 7)} ${unit.din.slice(7)} <span class="check" title="keyboard check character">${k}</span>`,
    );
  });

  it("names the CAR product of the journey's slot, escaped, and never the patient's name", async () => {
    const html = (await label("monitor", "A", unit.id)).body;
    expect(html).toContain("CD19 &amp; BCMA &lt;compound&gt; (CCAR)");
    expect(html).not.toContain("<compound>");
    expect(html).toContain("EXP: not recorded");
  });

  it("prints sample labels on request", async () => {
    const res = await label("manufacturing", "A", unit.id, "?kind=sample&copies=4");
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/<section class="label sample">/g)).toHaveLength(4);
  });

  it("is read like the product: 404 at another site; bad query names the field", async () => {
    expect((await label("coordinator", "B", unit.id)).statusCode).toBe(404);
    const bad = await label("monitor", "A", unit.id, "?kind=poster&copies=99");
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(["/copies", "/kind"]);
  });

  it("refuses a product code that is not an ISBT 128 Data Structure 003 code, naming it", async () => {
    const res = await label("monitor", "A", oddUnitId);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe("/productCode");
  });
});
