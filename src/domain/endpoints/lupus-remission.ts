/**
 * Lupus remission endpoints from the stored DORIS and LLDAS assessments (each stored with its
 * inputs and calculator result, so the criteria live once, in the calculators):
 * - DORIS remission and LLDAS: the first assessment on or after day 0 that meets the definition;
 * - "sustained": met at that assessment and at every later one of the same kind, confirmed by at
 *   least one later assessment. DORIS 2021 leaves duration out of the definition and asks for it
 *   to be reported separately (van Vollenhoven 2021; clinical-rules.md §5.4); the date it was lost,
 *   if it was, is given;
 * - drug-free remission (clinical-rules.md §5.4 [D]): the first DORIS remission whose assessment
 *   found no glucocorticoid, antimalarial, immunosuppressive or biologic AND on whose date the
 *   medication record shows no lupus therapy either (see medication-free.ts for which drugs count).
 *   Both must agree: a remission stored as drug-free while the record shows a lupus drug that day
 *   is not drug-free, and the result says which record disagrees.
 */

import { z } from "zod";
import { doris } from "../calculators/lupus/doris.ts";
import { lupusDrugClass } from "../medications.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, type RecordRef, reached } from "./endpoint.ts";
import { lupusTherapyOn, type MedicationRecord } from "./medication-free.ts";

export interface RemissionAssessment {
  id: string;
  date: string;
  calculator: "doris" | "lldas";
  /** the stored calculator value: DORIS { remission, drugFree }, LLDAS "LLDAS" | "NOT_LLDAS" */
  value: unknown;
  /** the stored inputs of an LLDAS assessment, from which DORIS remission is judged as well */
  inputs?: unknown;
}

export const REMISSION_ENDPOINTS = {
  doris: {
    key: "doris-remission",
    title: "DORIS remission",
    rule: "First assessment on or after day 0 in DORIS remission, by a DORIS assessment or by the DORIS criteria recorded in an LLDAS assessment (clinical SLEDAI-2K 0, PGA < 0.5, prednisolone ≤ 5 mg/day, therapy stable); sustained when every later such assessment is too (at least one).",
    source: "van Vollenhoven RF, et al. Lupus Sci Med 2021;8:e000538 (DORIS 2021), via the doris calculator",
  },
  lldas: {
    key: "lldas",
    title: "Lupus low disease activity state (LLDAS)",
    rule: "First LLDAS assessment on or after day 0 that meets LLDAS; sustained when every later LLDAS assessment does too (at least one).",
    source: "Franklyn K, et al. Ann Rheum Dis 2016;75:1615–1621 (LLDAS), via the lldas calculator",
  },
  drugFree: {
    key: "drug-free-remission",
    title: "Drug-free remission",
    rule: "First DORIS remission assessed as drug-free with no lupus therapy in the medication record on that date.",
    source:
      "shared/domain/clinical-rules.md §5.4 [D] (drug-free = DORIS and no glucocorticoid, antimalarial, immunosuppressive or biologic)",
  },
} as const satisfies Record<string, EndpointDefinition>;

const metDoris = (v: unknown) => (v as { remission?: boolean } | null)?.remission === true;

/** What DORIS needs from an LLDAS assessment's inputs (lldas calculator). */
const LldasFacts = z.object({
  sledai2k: z.record(z.string(), z.unknown()),
  pga: z.number(),
  prednisoloneEquivalentMgPerDay: z.number(),
  immunosuppressiveTherapy: z.enum([
    "NONE",
    "STANDARD_MAINTENANCE_WELL_TOLERATED",
    "NOT_STANDARD_OR_NOT_TOLERATED",
  ]),
});

/**
 * DORIS remission judged from an LLDAS assessment: it records every DORIS criterion but the
 * antimalarial — the full SLEDAI-2K items (clinical SLEDAI-2K = 0 ignores serology), the PGA
 * (< 0.5), the prednisolone-equivalent dose (≤ 5 mg/day) and whether immunosuppressives and
 * biologics are at well-tolerated standard maintenance doses (DORIS: "stable"). The antimalarial
 * is read from the medication record that day: taken → stable maintenance (LLDAS found no new
 * activity), not taken → none. The doris calculator decides, so the thresholds live once
 * (van Vollenhoven 2021). Null when the inputs are not an LLDAS assessment's.
 */
export function dorisFromLldas(
  inputs: unknown,
  medications: MedicationRecord[],
  date: string,
): boolean | null {
  const facts = LldasFacts.safeParse(inputs);
  if (!facts.success) return null;
  const f = facts.data;
  const therapy = {
    NONE: "NONE",
    STANDARD_MAINTENANCE_WELL_TOLERATED: "STABLE",
    NOT_STANDARD_OR_NOT_TOLERATED: "NOT_STABLE",
  }[f.immunosuppressiveTherapy];
  const onAntimalarial = lupusTherapyOn(medications, date).some((m) => lupusDrugClass(m) === "antimalarial");
  const result = doris.run({
    sledai2k: f.sledai2k,
    pga: f.pga,
    prednisoloneEquivalentMgPerDay: f.prednisoloneEquivalentMgPerDay,
    antimalarial: onAntimalarial ? "STABLE" : "NONE",
    immunosuppressive: therapy,
    biologic: therapy,
  });
  return result.value.remission;
}
const drugFreeDoris = (v: unknown) => (v as { drugFree?: boolean } | null)?.drugFree === true;
const metLldas = (v: unknown) => v === "LLDAS";

function firstMet(
  def: EndpointDefinition,
  list: RemissionAssessment[],
  met: (v: unknown) => boolean,
  day0: string,
  name: string,
): Endpoint {
  if (list.length === 0) return notEvaluable(def, `No ${name} assessment stored on or after day 0.`);
  const i = list.findIndex((a) => met(a.value));
  const refs = (from: number) => list.slice(from).map((a): RecordRef => ({ kind: "assessment", id: a.id }));
  if (i < 0)
    return reached(def, {
      status: "not-met",
      value: false,
      date: null,
      day0,
      derivedFrom: refs(0),
      reasons: [`Not met at any of ${list.length} ${name} assessment(s) through ${list.at(-1)!.date}.`],
    });
  const later = list.slice(i + 1);
  const lost = later.find((a) => !met(a.value));
  const sustained = later.length === 0 ? null : !lost;
  return reached(def, {
    value: true,
    date: list[i]!.date,
    day0,
    derivedFrom: refs(i),
    reasons: [
      `First met on ${list[i]!.date}.`,
      sustained === null
        ? "No later assessment yet: sustained is unconfirmed."
        : sustained
          ? `Sustained: met at all ${later.length} later assessment(s), through ${later.at(-1)!.date}.`
          : `Not sustained: not met on ${lost!.date}.`,
    ],
    details: { sustained, lostOn: lost?.date ?? null, lastAssessed: list.at(-1)!.date },
  });
}

export function remissionEndpoints(
  assessments: RemissionAssessment[],
  medications: MedicationRecord[],
  day0: string | null,
): Endpoint[] {
  const all = Object.values(REMISSION_ENDPOINTS);
  if (!day0) return all.map((d) => notEvaluable(d, "No CAR-T infusion recorded: there is no day 0."));
  const sorted = [...assessments].filter((a) => a.date >= day0).sort((a, b) => a.date.localeCompare(b.date));
  const doris = sorted.filter((a) => a.calculator === "doris");
  const lldas = sorted.filter((a) => a.calculator === "lldas");
  // DORIS is judged at every DORIS assessment and at every LLDAS assessment whose inputs carry
  // the DORIS criteria (a DORIS and an LLDAS of the same day count once, the DORIS one first).
  const dorisDates = new Set(doris.map((a) => a.date));
  const dorisJudged = sorted.flatMap((a): RemissionAssessment[] => {
    if (a.calculator === "doris") return [a];
    if (dorisDates.has(a.date)) return [];
    const remission = dorisFromLldas(a.inputs, medications, a.date);
    return remission === null ? [] : [{ ...a, value: { remission, drugFree: false } }];
  });

  let drugFree: Endpoint;
  if (doris.length === 0)
    drugFree = notEvaluable(REMISSION_ENDPOINTS.drugFree, "No DORIS assessment stored on or after day 0.");
  else {
    const disagreements: string[] = [];
    const hit = doris.find((a) => {
      if (!metDoris(a.value) || !drugFreeDoris(a.value)) return false;
      const onDrugs = lupusTherapyOn(medications, a.date);
      if (onDrugs.length)
        disagreements.push(
          `DORIS on ${a.date} was stored as drug-free, but the medication record shows ${onDrugs.map((m) => m.drug).join(", ")} that day.`,
        );
      return onDrugs.length === 0;
    });
    drugFree = hit
      ? reached(REMISSION_ENDPOINTS.drugFree, {
          value: true,
          date: hit.date,
          day0,
          derivedFrom: [{ kind: "assessment", id: hit.id }],
          reasons: [
            ...disagreements,
            `DORIS remission on ${hit.date} with no glucocorticoid, antimalarial, immunosuppressive or biologic, and none in the medication record that day.`,
          ],
        })
      : reached(REMISSION_ENDPOINTS.drugFree, {
          status: "not-met",
          value: false,
          date: null,
          day0,
          derivedFrom: doris.map((a): RecordRef => ({ kind: "assessment", id: a.id })),
          reasons: [
            ...disagreements,
            "No DORIS remission that is drug-free by both the assessment and the medication record.",
          ],
        });
  }
  return [
    firstMet(REMISSION_ENDPOINTS.doris, dorisJudged, metDoris, day0, "DORIS"),
    firstMet(REMISSION_ENDPOINTS.lldas, lldas, metLldas, day0, "LLDAS"),
    drugFree,
  ];
}

/**
 * The date lupus activity returned: the first assessment date, after a date on which DORIS
 * remission or LLDAS was met, on which neither was (LLDAS is the looser state, so losing it is
 * losing both; Franklyn 2016 defines LLDAS "attained" and not "maintained" by its criteria). Null
 * when the patient never reached either state, or never left it. Assessments of one date are
 * read together (a visit records DORIS and LLDAS side by side).
 */
export function lupusRelapseDate(assessments: readonly RemissionAssessment[], day0: string): string | null {
  const byDate = new Map<string, boolean>();
  for (const a of assessments) {
    if (a.date < day0) continue;
    const met = a.calculator === "doris" ? metDoris(a.value) : metLldas(a.value);
    byDate.set(a.date, (byDate.get(a.date) ?? false) || met);
  }
  let reached = false;
  for (const [date, met] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    if (met) reached = true;
    else if (reached) return date;
  }
  return null;
}
