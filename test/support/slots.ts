/**
 * Builders for manufacturing slots: a CAR product for a study and a slot of it, through the
 * services (as the lead site's investigator and the site's manufacturing user).
 */

import { createSlot, type SlotDto } from "../../src/services/manufacturing-slots.ts";
import { createCarProduct } from "../../src/services/studies.ts";
import type { SiteKey, World } from "./world.ts";

export async function makeCarProduct(w: World, studyId: string, code = "CCAR", site: SiteKey = "A") {
  return createCarProduct(await w.as("investigator", site), {
    studyId,
    code,
    name: "Compound CD19/BCMA CAR-T",
    targets: ["CD19", "BCMA"],
    format: "compound",
    costimulatoryDomain: "4-1BB",
    vector: "lentiviral",
    doseUnit: "car-cells-per-kg",
  });
}

export async function makeSlot(
  w: World,
  carProductId: string,
  o: {
    startsOn: string;
    collectionWindowDays?: number;
    capacity?: number;
    facility?: string;
    site?: SiteKey;
  },
): Promise<SlotDto> {
  const site = o.site ?? "A";
  return createSlot(await w.as("manufacturing", site), {
    carProductId,
    siteId: w.sites[site],
    facility: o.facility ?? "GMP cell-processing unit",
    startsOn: o.startsOn,
    collectionWindowDays: o.collectionWindowDays ?? 3,
    capacity: o.capacity ?? 1,
  });
}
