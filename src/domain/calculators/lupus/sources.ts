/**
 * Citations and small shared building blocks of the SLE family (reference notes §5). Every
 * threshold in this folder points back to one of these sources; the table is named next to the
 * threshold where it is used.
 */
import { z } from "zod";

/** Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29(2):288–291 (SLEDAI-2K, Table 1). */
export const GLADMAN_2002 =
  "Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity index 2000. " +
  "J Rheumatol 2002;29(2):288–291.";

/** Petri M, et al. N Engl J Med 2005;353(24):2550–2558 (SELENA trial; classic SELENA-SLEDAI Flare Index). */
export const PETRI_2005 =
  "Petri M, Kim MY, Kalunian KC, et al. Combined oral contraceptives in women with systemic lupus " +
  "erythematosus. N Engl J Med 2005;353(24):2550–2558; Buyon JP, Petri MA, Kim MY, et al. Ann Intern " +
  "Med 2005;142(12 Pt 1):953–962. Flare index as tabulated in Ann Rheum Dis 2019 (SLE indices, Table 1).";

/** Furie RA, et al. Arthritis Rheum 2009;61(9):1143–1151 (SRI, abstract and Results). */
export const FURIE_2009 =
  "Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus erythematosus responder " +
  "index. Arthritis Rheum 2009;61(9):1143–1151. doi:10.1002/art.24698";

/** van Vollenhoven RF, et al. Lupus Sci Med 2021;8(1):e000538 (abstract; Table 2 final recommendation). */
export const VAN_VOLLENHOVEN_2021 =
  "van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of remission in SLE: final " +
  "recommendations from an international task force. Lupus Sci Med 2021;8(1):e000538. " +
  "doi:10.1136/lupus-2021-000538";

/** Franklyn K, et al. Ann Rheum Dis 2016;75(9):1615–1621 (LLDAS definition, Table). */
export const FRANKLYN_2016 =
  "Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a Lupus Low Disease " +
  "Activity State (LLDAS). Ann Rheum Dis 2016;75(9):1615–1621. doi:10.1136/annrheumdis-2015-207726";

/** Aringer M, et al. Ann Rheum Dis 2019;78(9):1151–1159 (Figure 1 criteria; Table 1 definitions). */
export const ARINGER_2019 =
  "Aringer M, Costenbader K, Daikh D, et al. 2019 European League Against Rheumatism/American College " +
  "of Rheumatology classification criteria for systemic lupus erythematosus. Ann Rheum Dis " +
  "2019;78(9):1151–1159. doi:10.1136/annrheumdis-2018-214819; Arthritis Rheumatol 2019;71(9):1400–1412.";

/** True when x has at most two decimals (0.01 steps), tolerant of binary floating point. */
const atMostTwoDecimals = (x: number) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-6;

/**
 * Physician Global Assessment on the SELENA-SLEDAI 0–3 visual analogue scale (0 none, 1 mild,
 * 2 moderate, 3 severe). Recorded to 0.01 at most, so that differences such as "+0.3" compare
 * exactly (see hundredths()).
 */
export const Pga = (what: string) =>
  z
    .number()
    .min(0)
    .max(3)
    .refine(atMostTwoDecimals, {
      message: "Record the PGA to at most two decimals (0.01 steps)",
      params: { code: "pga_two_decimals" },
    })
    .describe(`${what}: Physician Global Assessment, SELENA-SLEDAI PGA, 0–3 scale (points, 0.01 steps)`);

/** A value in integer hundredths: PGA and haemoglobin comparisons are made on these, never on raw floats. */
export const hundredths = (x: number): number => Math.round(x * 100);

/** Print a number without float noise (at most two decimals). */
export const fmt = (x: number): string => String(Math.round(x * 100) / 100);

/** Signed change, e.g. "+0.5", "−3". */
export const signed = (x: number): string => (x > 0 ? `+${fmt(x)}` : x < 0 ? `−${fmt(-x)}` : "0");

/** Daily glucocorticoid dose in prednisone/prednisolone equivalents. */
export const PrednisoloneMgPerDay = (what: string) =>
  z
    .number()
    .min(0)
    .max(2000)
    .describe(`${what}: prednisolone (or prednisone) equivalent dose, mg/day; 0 when none`);
