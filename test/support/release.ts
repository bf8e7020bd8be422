/**
 * Builders for custody and release tests, through the HTTP API like everything in world.ts: a CAR
 * product with the ARI-0001 example specification, a body weight, a full set of QC results
 * (quality at the site) that passes every criterion, and QA's signed release.
 */
import { expect } from "vitest";
import { EXAMPLE_RELEASE_SPEC } from "../../src/domain/release-specs.ts";

import { passingResults } from "./qc-results.ts";

import { makeCarProduct } from "./slots.ts";
import { PASSWORD, type SiteKey, type World } from "./world.ts";

/** The specification's ranges: fresh apheresis 2–8 °C (§2.7 [S31b]); vapour LN2 ≤ −150 °C (§2.7, common practice). */
export const TEMPERATURE_RANGES = {
  apheresis: { minC: 2, maxC: 8 },
  finalProduct: { minC: -196, maxC: -150, maxGapMinutes: 30 },
};

/**
 * The ARI-0001 example specification (or `criteria`) for a CAR product of the study, made here
 * unless `carProductId` names one already made.
 */
export async function specifyRelease(
  w: World,
  studyId: string,
  o: { carProductId?: string; criteria?: readonly unknown[]; site?: SiteKey } = {},
) {
  const site = o.site ?? "A";
  const carProductId = o.carProductId ?? (await makeCarProduct(w, studyId, "CCARQ", site)).id;
  const spec = await w.call("investigator", site, "POST", "/api/v1/release-specs", {
    carProductId,
    criteria: o.criteria ?? EXAMPLE_RELEASE_SPEC.criteria,
    temperatureRanges: TEMPERATURE_RANGES,
  });
  expect(spec.statusCode, spec.body).toBe(201);
  return { carProductId, specId: spec.json().id as string };
}

/** The example criteria without dose sufficiency, for enrolments that name no dose level. */
export const CRITERIA_WITHOUT_DOSE = EXAMPLE_RELEASE_SPEC.criteria.filter(
  (c) => c.attribute !== "dose-sufficiency",
);

export async function recordWeight(
  w: World,
  patientId: string,
  kg: number,
  effectiveAt: string,
  site: SiteKey = "A",
) {
  const res = await w.call("coordinator", site, "POST", "/api/v1/observations", {
    patientId,
    code: "29463-7",
    valueNumber: kg,
    unit: "kg",
    effectiveAt,
  });
  expect(res.statusCode, res.body).toBe(201);
}

/**
 * Quality enters a passing QC set for a QC-pending bag, which then awaits QA release; QA releases
 * it, signing with the fixture password (docs/decisions/0022).
 */
export async function releaseThroughQc(w: World, bagId: string, cells: number, site: SiteKey = "A") {
  const res = await w.call("quality", site, "POST", `/api/v1/product-units/${bagId}/qc-results`, {
    results: passingResults(cells),
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json()).toMatchObject({ applied: null, releaseState: "awaiting-qa-release" });
  const released = await w.call("quality", site, "POST", `/api/v1/product-units/${bagId}/release`, {
    signatures: [{ username: w.usernames.quality[site], password: PASSWORD, meaning: "released" }],
  });
  expect(released.statusCode, released.body).toBe(201);
  return released.json().product as { id: string; state: string; version: number };
}
