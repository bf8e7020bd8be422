/**
 * Product units at the stages where someone signs, built through the HTTP API as the people who
 * would do each step: a bag whose QC results meet the specification (awaiting QA release), one
 * declared out of specification, a quarantined collection, and a thawed bag at the bedside. One
 * study per site (`programAt`) with the ARI-0001 specification, a DL1 arm and a roomy slot; every
 * patient weighs 70 kg, so 7 × 10⁷ CAR+ viable cells is exactly the dose.
 *
 * Dates are taken relative to the world's clock (consent 40 days before, the slot a week ahead);
 * the thawed bag is thawed at the clock's time, and the bedside check must follow within its
 * 60 minutes.
 */
import { expect } from "vitest";
import type { SignatureMeaning } from "../../src/domain/signatures.ts";
import { roleForStep } from "./product-step-role.ts";
import { passingResults } from "./qc-results.ts";
import { recordWeight, specifyRelease } from "./release.ts";
import { makeSlot } from "./slots.ts";
import { PASSWORD, type SiteKey, type World } from "./world.ts";

export type SignerRole = "investigator" | "coordinator" | "quality" | "manufacturing" | "monitor" | "admin";

/** A world user's signature: their username, the fixture password, the meaning. */
export const sig = (
  w: World,
  role: SignerRole,
  site: SiteKey,
  meaning: SignatureMeaning,
  password = PASSWORD,
) => ({ username: w.usernames[role][site], password, meaning });

/** The date `days` from the world's today (UTC). */
const day = (w: World, days: number) =>
  new Date(w.system.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);

interface Program {
  studyId: string;
  slotId: string;
}
const programs = new WeakMap<World, Map<SiteKey, Promise<Program>>>();

/** The site's study (DL1 arm, ARI-0001 specification) and a manufacturing slot with room for 50. */
export function programAt(w: World, site: SiteKey): Promise<Program> {
  let bySite = programs.get(w);
  if (!bySite) {
    bySite = new Map();
    programs.set(w, bySite);
  }
  let p = bySite.get(site);
  if (!p) {
    p = (async () => {
      const study = await w.call("investigator", site, "POST", "/api/v1/studies", {
        leadSiteId: w.sites[site],
        title: `Compound CAR at ${site}`,
        shortName: `cCAR-${site}`,
        phase: "phase-1",
        status: "active",
        arms: [
          {
            code: "LYM",
            name: "Lymphoma",
            doseLevels: [
              { code: "DL1", label: "1 × 10^6 CAR+ cells/kg", dose: 1e6, unit: "car-cells-per-kg" },
            ],
          },
        ],
      });
      expect(study.statusCode, study.body).toBe(201);
      const studyId = study.json().id as string;
      const { carProductId } = await specifyRelease(w, studyId, { site });
      const slot = await makeSlot(w, carProductId, {
        startsOn: day(w, 8),
        collectionWindowDays: 30,
        capacity: 50,
        site,
      });
      return { studyId, slotId: slot.id };
    })();
    bySite.set(site, p);
  }
  return p;
}

async function journeyMove(w: World, site: SiteKey, journeyId: string, body: Record<string, unknown>) {
  const v = (await w.call("monitor", site, "GET", `/api/v1/journeys/${journeyId}`)).json().version;
  const res = await w.call("coordinator", site, "POST", `/api/v1/journeys/${journeyId}/events`, {
    ...body,
    version: v,
  });
  expect(res.statusCode, `${body.type}: ${res.body}`).toBe(200);
  return res.json();
}

async function productMove(w: World, site: SiteKey, id: string, type: string) {
  const res = await w.call(roleForStep(type), site, "POST", `/api/v1/product-units/${id}/events`, { type });
  expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
  return res.json();
}

export interface Collection {
  site: SiteKey;
  patientId: string;
  subjectCode: string;
  enrolmentId: string;
  journeyId: string;
  collectionId: string;
}

/** A 70 kg patient on DL1 whose collection is on its way to the manufacturer. */
export async function collectionInTransit(w: World, site: SiteKey = "A"): Promise<Collection> {
  const { studyId, slotId } = await programAt(w, site);
  const patient = (
    await w.call("investigator", site, "POST", "/api/v1/patients", {
      siteId: w.sites[site],
      birthYear: 1976,
      sex: "female",
    })
  ).json();
  const enrolment = (
    await w.call("investigator", site, "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId,
      armCode: "LYM",
      doseLevelCode: "DL1",
      consentDate: day(w, -40),
      consentVersion: "1",
    })
  ).json();
  await recordWeight(w, patient.id, 70, `${day(w, -30)}T08:00:00Z`, site);
  const journeyId = (
    await w.call("coordinator", site, "POST", `/api/v1/enrolments/${enrolment.id}/journey`)
  ).json().id as string;
  for (const body of [
    { type: "consult" },
    { type: "sign-consent", scopes: ["trial"] },
    { type: "start-screening" },
    { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
    { type: "book-apheresis", manufacturingSlotId: slotId },
    { type: "record-apheresis" },
  ])
    await journeyMove(w, site, journeyId, body);
  const collection = (
    await w.call("manufacturing", site, "POST", `/api/v1/journeys/${journeyId}/collections`, {
      productCode: "S1234V00",
    })
  ).json();
  await journeyMove(w, site, journeyId, { type: "hand-to-courier" });
  await productMove(w, site, collection.id, "ship-to-manufacturer");
  return {
    site,
    patientId: patient.id,
    subjectCode: patient.subjectCode,
    enrolmentId: enrolment.id,
    journeyId,
    collectionId: collection.id,
  };
}

/** A collection in transit that a logger excursion (9.1 °C against 2–8 °C) has quarantined. */
export async function quarantinedCollection(w: World, site: SiteKey = "A"): Promise<Collection> {
  const c = await collectionInTransit(w, site);
  const readings = [5, 6, 8.5, 9.1, 7].map((celsius, i) => ({
    at: new Date(Date.parse(`${day(w, -1)}T08:00:00Z`) + i * 300_000).toISOString(),
    celsius,
  }));
  const res = await w.call(
    "manufacturing",
    site,
    "POST",
    `/api/v1/product-units/${c.collectionId}/logger-readings`,
    { loggerId: "LOG-7", readings },
  );
  expect(res.json().quarantine, res.body).toBe("quarantined");
  return c;
}

export interface Bag extends Collection {
  bagId: string;
}

/** …made into a final-product bag, QC-pending unless `completeManufacture` is false. */
export async function bagInQc(
  w: World,
  site: SiteKey = "A",
  o: { completeManufacture?: boolean } = {},
): Promise<Bag> {
  const c = await collectionInTransit(w, site);
  for (const t of ["receive-at-manufacturer", "start-manufacture"])
    await productMove(w, site, c.collectionId, t);
  const bag = (
    await w.call("manufacturing", site, "POST", `/api/v1/product-units/${c.collectionId}/final-products`, {
      productCode: "S5678V00",
      thawStabilityMinutes: 60,
    })
  ).json();
  if (o.completeManufacture !== false) await productMove(w, site, bag.id, "complete-manufacture");
  return { ...c, bagId: bag.id as string };
}

export const enterQc = (w: World, site: SiteKey, bagId: string, results: unknown) =>
  w.call("quality", site, "POST", `/api/v1/product-units/${bagId}/qc-results`, { results });

/** A QC-pending bag whose results meet every criterion: QC complete, awaiting QA release. */
export async function bagAwaitingRelease(w: World, site: SiteKey = "A", cells = 7e7): Promise<Bag> {
  const b = await bagInQc(w, site);
  const res = await enterQc(w, site, b.bagId, passingResults(cells, `${day(w, -1)}T09:00:00Z`));
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json()).toMatchObject({ applied: null, releaseState: "awaiting-qa-release" });
  return b;
}

/** A bag declared out of specification (CAR+ 15 % against ≥ 20 %). */
export async function oosBag(w: World, site: SiteKey = "A"): Promise<Bag> {
  const b = await bagInQc(w, site);
  const results = passingResults(7e7, `${day(w, -1)}T09:00:00Z`).map((r) =>
    r.attribute === "car-positive" ? { ...r, valueNumber: 15 } : r,
  );
  const res = await enterQc(w, site, b.bagId, results);
  expect(res.json().product?.state, res.body).toBe("out-of-specification");
  return b;
}

/** QA at the site releases the bag, signing with the fixture password. */
export async function qaRelease(w: World, site: SiteKey, bagId: string) {
  const res = await w.call("quality", site, "POST", `/api/v1/product-units/${bagId}/release`, {
    signatures: [sig(w, "quality", site, "released")],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export interface ThawedBag extends Bag {
  din: string;
  dinCheckCharacter: string;
  coiId: string;
  productCode: string;
  thawedAt: string;
}

/** A released bag, shipped, stored at the site and thawed once the patient reached lymphodepletion. */
export async function thawedBag(w: World, site: SiteKey = "A"): Promise<ThawedBag> {
  const b = await bagAwaitingRelease(w, site);
  await qaRelease(w, site, b.bagId);
  for (const t of ["ship-to-site", "receive-at-site"]) await productMove(w, site, b.bagId, t);
  for (const body of [
    { type: "product-released" },
    { type: "start-lymphodepletion", patientFit: true },
    { type: "complete-lymphodepletion" },
  ])
    await journeyMove(w, site, b.journeyId, body);
  const bag = await productMove(w, site, b.bagId, "thaw");
  return { ...b, ...bag, bagId: b.bagId };
}

/** What the two verifiers read at the bedside, all of it right. */
export const bedsideReading = (b: ThawedBag) => ({
  patientSubjectCode: b.subjectCode,
  enrolmentId: b.enrolmentId,
  coiId: b.coiId,
  din: b.din,
  dinCheckCharacter: b.dinCheckCharacter,
  productCode: b.productCode,
  thawedAt: b.thawedAt,
});

/** The bedside check's two signatures: the coordinator (the caller in tests) and the investigator. */
export const bedsideSignatures = (w: World, site: SiteKey = "A") => [
  sig(w, "coordinator", site, "verified product identity at bedside"),
  sig(w, "investigator", site, "verified product identity at bedside"),
];
