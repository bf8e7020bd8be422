/**
 * Acute toxicity grading after immune effector cell therapy (ASTCT 2019, Lee et al.): CRS, the ICE
 * score, ICANS, and the CAPD used for children's ICANS.
 */
import type { Calculator } from "../calculator.ts";
import { capd } from "./capd.ts";
import { crs } from "./crs.ts";
import { icans } from "./icans.ts";
import { ice } from "./ice.ts";

export const crsIcansCalculators: Calculator[] = [crs, ice, icans, capd];

export { capd, crs, icans, ice };
