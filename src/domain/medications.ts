/**
 * Medication rules, written once (issue 16): drug classes of lupus therapy, which routes are
 * systemic, doses per day from a written frequency, the daily dose in mg, prednisolone
 * equivalents, and whether a record is active on a date. The SLEDAI/DORIS/LLDAS prefill
 * (assessment-prefill.ts), the steroid-, therapy- and medication-free endpoints
 * (endpoints/medication-free.ts), lupus remission, and the API's medication records (which the web
 * app charts) all read these, so a subcutaneous steroid or a q8h dose means the same everywhere.
 *
 * Sources:
 * - Drug classes: the four classes DORIS 2021 names (van Vollenhoven RF, et al. Lupus Sci Med
 *   2021;8:e000538) and the drugs the EULAR 2023 SLE recommendations list (Fanouriakis A, et al.
 *   Ann Rheum Dis 2024;83:15–29); ATC codes from the WHO ATC index (WHOCC).
 * - Routes: EDQM Standard Terms distinguish "Cutaneous use" (applied to the skin, local) from
 *   "Subcutaneous use" (injection under the skin, systemic); only whole words are matched, so
 *   "subcutaneous" is never read as "cutaneous".
 * - Frequencies: the common Latin abbreviations (qd, bid, tid, qid, qod) and their q-hour forms;
 *   "q8h" is three doses a day, "every other day" half a dose a day on average.
 * - Prednisolone equivalents: BNF, "Equivalent anti-inflammatory doses of corticosteroids":
 *   prednisolone 5 mg ≡ betamethasone 750 µg ≡ cortisone acetate 25 mg ≡ deflazacort 6 mg ≡
 *   dexamethasone 750 µg ≡ hydrocortisone 20 mg ≡ methylprednisolone 4 mg ≡ triamcinolone 4 mg.
 *   Prednisone is taken as prednisolone mg for mg (DORIS and LLDAS say "prednisone or equivalent").
 */

/** What the rules read of a medication record. */
export interface MedicationFacts {
  drug: string;
  /** WHO ATC code when the record is coded with it (other code systems: null) */
  atcCode: string | null;
  route: string | null;
  indication?: string | null;
  doseValue?: number | null;
  doseUnit?: string | null;
  frequency?: string | null;
  startDate: string;
  /** last day taken, inclusive; null while ongoing */
  stopDate: string | null;
}

export type LupusDrugClass = "glucocorticoid" | "antimalarial" | "immunosuppressive" | "biologic";

/** Glucocorticoids for systemic use (ATC H02AB) with their prednisolone-equivalent mg per mg. */
export const GLUCOCORTICOIDS: readonly { name: string; atc: string; prednisolonePerMg: number }[] = [
  { name: "prednisolone", atc: "H02AB06", prednisolonePerMg: 1 },
  { name: "prednisone", atc: "H02AB07", prednisolonePerMg: 1 },
  { name: "methylprednisolone", atc: "H02AB04", prednisolonePerMg: 5 / 4 },
  { name: "dexamethasone", atc: "H02AB02", prednisolonePerMg: 5 / 0.75 },
  { name: "betamethasone", atc: "H02AB01", prednisolonePerMg: 5 / 0.75 },
  { name: "hydrocortisone", atc: "H02AB09", prednisolonePerMg: 5 / 20 },
  { name: "cortisone", atc: "H02AB10", prednisolonePerMg: 5 / 25 },
  { name: "triamcinolone", atc: "H02AB08", prednisolonePerMg: 5 / 4 },
  { name: "deflazacort", atc: "H02AB13", prednisolonePerMg: 5 / 6 },
];

/** Names and ATC codes per class; a match on either counts. */
const CLASSES: readonly { cls: LupusDrugClass; name: RegExp; atc: RegExp }[] = [
  {
    cls: "glucocorticoid",
    name: new RegExp(`\\b(${GLUCOCORTICOIDS.map((g) => g.name).join("|")})\\b`, "i"),
    // H02AB: glucocorticoids for systemic use (H02AA are mineralocorticoids such as fludrocortisone).
    atc: /^H02AB/,
  },
  {
    cls: "antimalarial",
    name: /\b(hydroxychloroquine|chloroquine|quinacrine|mepacrine)\b/i,
    atc: /^P01BA0[12]$/,
  },
  {
    cls: "immunosuppressive",
    // Beyond EULAR's list, making "free" stricter: quinacrine, leflunomide and sirolimus (off-label in SLE).
    name: /\b(methotrexate|azathioprine|mycophenol\w*|ciclosporin|cyclosporine?|tacrolimus|voclosporin|cyclophosphamide|leflunomide|sirolimus)\b/i,
    // L04AA06 mycophenolic acid, L04AA13 leflunomide, L04AD01/02/03 ciclosporin/tacrolimus/
    // voclosporin, L04AX01 azathioprine, L04AX03 and L01BA01 methotrexate, L01AA01 cyclophosphamide.
    atc: /^(L04AA06|L04AA13|L04AD0[123]|L04AX0[13]|L01AA01|L01BA01)$/,
  },
  {
    cls: "biologic",
    // telitacicept is approved for SLE in China, obinutuzumab for lupus nephritis.
    name: /\b(belimumab|anifrolumab|rituximab|obinutuzumab|telitacicept|ocrelizumab)\b/i,
    // rituximab L01FA01, obinutuzumab L01FA03; belimumab and anifrolumab by name only, as their
    // ATC codes moved in recent revisions (see demo/codes.ts).
    atc: /^L01FA0[13]$/,
  },
];

/** Local routes: the drug acts where it is put. Whole words only (EDQM: cutaneous ≠ subcutaneous). */
const LOCAL_ROUTE = /\b(topical|cutaneous|inhal\w*|nasal|intranasal|ophthalm\w*|eye|otic|ear)\b/i;

/** A missing route counts as systemic: it is the safe reading for a steroid dose (callers may say so). */
export const isSystemicRoute = (route: string | null | undefined): boolean =>
  !(route && LOCAL_ROUTE.test(route));

/** Lymphodepletion before CAR-T is part of the procedure, not lupus therapy (reference-case.md). */
const CAR_T_PROCEDURE = /\b(lymphodepl\w*|conditioning)\b/i;

/** The lupus drug class of a systemic medication, or null (local route, or not a lupus drug). */
export function lupusDrugClass(
  m: Pick<MedicationFacts, "drug" | "atcCode" | "route">,
): LupusDrugClass | null {
  if (!isSystemicRoute(m.route)) return null;
  for (const c of CLASSES) if (c.name.test(m.drug) || (m.atcCode && c.atc.test(m.atcCode))) return c.cls;
  return null;
}

export const isSystemicGlucocorticoid = (m: Pick<MedicationFacts, "drug" | "atcCode" | "route">) =>
  lupusDrugClass(m) === "glucocorticoid";

/** Lupus therapy: one of the four classes, unless given as lymphodepletion/conditioning for CAR-T. */
export const isLupusTherapy = (m: Pick<MedicationFacts, "drug" | "atcCode" | "route" | "indication">) =>
  lupusDrugClass(m) !== null && !(m.indication && CAR_T_PROCEDURE.test(m.indication));

/** Taken on the date: start ≤ date ≤ stop (the stop date is the last day taken), or no stop yet. */
export const activeOn = (m: Pick<MedicationFacts, "startDate" | "stopDate">, date: string) =>
  m.startDate <= date && (m.stopDate === null || m.stopDate >= date);

const FREQUENCIES: readonly [RegExp, number][] = [
  [/^(once daily|daily|once a day|qd|od|q24h|every 24 hours|in the morning|each morning|nocte|at night)$/, 1],
  [/^(twice daily|twice a day|bid|bd|b\.i\.d\.?|q12h|every 12 hours)$/, 2],
  [/^(three times daily|three times a day|tid|tds|t\.i\.d\.?|q8h|every 8 hours)$/, 3],
  [/^(four times daily|four times a day|qid|qds|q\.i\.d\.?|q6h|every 6 hours)$/, 4],
  [/^(every other day|alternate days|on alternate days|qod|q48h|every 48 hours)$/, 0.5],
];

/**
 * Frequencies that say a record is one dose, not a course: "once", "once only", "single dose",
 * "stat" (Latin statim, given at once, the prescribing abbreviation of the BNF's "Abbreviations of
 * Latin directions"). Written in lower case with single spaces; compared after the same folding.
 */
export const SINGLE_DOSE_FREQUENCIES: readonly string[] = ["once", "once only", "single dose", "stat"];

/**
 * A record is one administration (a dose given on one day) when its frequency says one dose and it
 * starts and stops on the same day, and it is no longer active (the dose was given, or stopped, or
 * the record withdrawn). A course ("once daily" from day −5 to −3) is a statement of a regimen: it
 * names no single dose, so it is never read as administrations here. The FHIR store applies the
 * same three conditions in SQL (store/fhir-reads.ts, medicationAdministrationRows) so pages stay whole.
 */
export function isSingleAdministration(
  m: Pick<MedicationFacts, "frequency" | "startDate" | "stopDate"> & { status: string },
): boolean {
  const f = (m.frequency ?? "").trim().toLowerCase().replace(/\s+/g, " ");
  return SINGLE_DOSE_FREQUENCIES.includes(f) && m.stopDate === m.startDate && m.status !== "active";
}

/** Doses per day from a written frequency; null when it cannot be read (e.g. "as needed"). */
export function dosesPerDay(frequency: string | null | undefined): number | null {
  if (!frequency) return null;
  const f = frequency.trim().toLowerCase().replace(/\s+/g, " ");
  return FREQUENCIES.find(([re]) => re.test(f))?.[1] ?? null;
}

const MG_PER_UNIT: Record<string, number> = { mg: 1, g: 1000, ug: 0.001, µg: 0.001, mcg: 0.001 };

/** The daily dose in mg (dose × unit × doses per day), or null when one of them cannot be read. */
export function dailyDoseMg(m: Pick<MedicationFacts, "doseValue" | "doseUnit" | "frequency">): number | null {
  const perDay = dosesPerDay(m.frequency);
  const mg = m.doseUnit ? MG_PER_UNIT[m.doseUnit] : undefined;
  if (m.doseValue === null || m.doseValue === undefined || mg === undefined || perDay === null) return null;
  return m.doseValue * mg * perDay;
}

/** The glucocorticoid a record is, by ATC code first, else by whole word ("methylprednisolone" is not "prednisolone"). */
const GLUCOCORTICOID_WORDS = GLUCOCORTICOIDS.map((g) => ({ g, word: new RegExp(`\\b${g.name}\\b`, "i") }));

export function glucocorticoidOf(m: Pick<MedicationFacts, "drug" | "atcCode">) {
  return (
    GLUCOCORTICOIDS.find((g) => g.atc === m.atcCode) ??
    GLUCOCORTICOID_WORDS.find(({ word }) => word.test(m.drug))?.g
  );
}

/**
 * The daily prednisolone-equivalent dose of one systemic glucocorticoid record in mg (unrounded:
 * callers sum, then round); null when the record is not a systemic glucocorticoid or its daily dose
 * cannot be read.
 */
export function prednisoloneEquivalentMgPerDay(
  m: Pick<MedicationFacts, "drug" | "atcCode" | "route" | "doseValue" | "doseUnit" | "frequency">,
): number | null {
  if (!isSystemicGlucocorticoid(m)) return null;
  const g = glucocorticoidOf(m);
  const daily = dailyDoseMg(m);
  if (!g || daily === null) return null;
  return daily * g.prednisolonePerMg;
}

/**
 * Tocilizumab, the anti-IL-6 receptor antibody given for CRS (Lee DW, et al. Biol Blood Marrow
 * Transplant 2019;25:625–638; its label's CRS indication): by ATC code L04AC07 (WHO ATC/DDD
 * index, interleukin inhibitors) or by name.
 */
export const isTocilizumab = (m: Pick<MedicationFacts, "drug" | "atcCode">): boolean =>
  m.atcCode === "L04AC07" || /\btocilizumab\b/i.test(m.drug);
