/**
 * Citations and shared helpers of the lymphoma-response family (Lugano 2014 PET-CT and CT response,
 * LYRIC 2016). Every threshold in this folder names one of these sources and the table it comes from.
 */

/** Cheson BD, Fisher RI, Barrington SF, et al. J Clin Oncol 2014;32(27):3059–3068 (Table 3: response). */
export const CHESON_2014 =
  "Cheson BD, Fisher RI, Barrington SF, et al. Recommendations for initial evaluation, staging, and " +
  "response assessment of Hodgkin and non-Hodgkin lymphoma: the Lugano classification. J Clin Oncol " +
  "2014;32(27):3059–3068. doi:10.1200/JCO.2013.54.8800";

/** Barrington SF, Mikhaeel NG, Kostakoglu L, et al. J Clin Oncol 2014;32(27):3048–3058 (5-point scale). */
export const BARRINGTON_2014 =
  "Barrington SF, Mikhaeel NG, Kostakoglu L, et al. Role of imaging in the staging and response " +
  "assessment of lymphoma: consensus of the International Conference on Malignant Lymphomas Imaging " +
  "Working Group. J Clin Oncol 2014;32(27):3048–3058. doi:10.1200/JCO.2013.53.5229";

/** Cheson BD, Ansell S, Schwartz L, et al. Blood 2016;128(21):2489–2496 (LYRIC). */
export const CHESON_2016 =
  "Cheson BD, Ansell S, Schwartz L, et al. Refinement of the Lugano Classification lymphoma response " +
  "criteria in the era of immunomodulatory therapy. Blood 2016;128(21):2489–2496. " +
  "doi:10.1182/blood-2016-05-718528";

export const RULE_SET_LUGANO = "Lugano 2014 (Cheson et al.)";
export const RULE_SET_LYRIC = "LYRIC 2016 (Cheson et al.)";

/**
 * Comparisons with a tolerance, so that decimal inputs (12.1 mm, 14.6 cm) sit on the side of a
 * threshold their decimal value puts them on, whatever binary floating point does to the arithmetic.
 */
const EPS = 1e-9;
export const gt = (a: number, b: number): boolean => a - b > EPS * Math.max(1, Math.abs(b));
export const gte = (a: number, b: number): boolean => a - b >= -EPS * Math.max(1, Math.abs(b));
export const lte = (a: number, b: number): boolean => gte(b, a);

/** Round for display only (never for a decision): at most `digits` decimals, no trailing zeros. */
export const fmt = (x: number, digits = 1): string => String(Number(x.toFixed(digits)));

/** Signed percentage change from `from` to `to`, e.g. "−79.5 %" / "+60 %"; `from` must be > 0. */
export const pctChange = (from: number, to: number): number => ((to - from) / from) * 100;
export const fmtPct = (p: number): string => `${p > 0 ? "+" : p < 0 ? "−" : ""}${fmt(Math.abs(p))} %`;
