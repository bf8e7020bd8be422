/**
 * Steroid-free, lupus-therapy-free and medication-free dates from the medication record.
 *
 * A medication record runs from its start date through its stop date inclusive (the stop date is
 * the last day taken, as the derived CRS grade reads it), so "free from" is the day after the last
 * stop date; any record without a stop date is ongoing and nothing is free yet. A later record
 * moves the date: only the last stop counts. Records entered in error are not read.
 *
 * Which records count:
 * - steroid-free: systemic glucocorticoids (ATC H02AB, or by name), whatever the indication —
 *   DORIS and LLDAS count the prednisolone dose regardless of why it is given (van Vollenhoven
 *   2021; Franklyn 2016). Topical, inhaled, nasal and eye routes are not systemic and do not count;
 *   subcutaneous is systemic (domain/medications.ts holds the classes and routes for every reader).
 * - lupus-therapy-free: the four drug classes DORIS 2021 names (glucocorticoids, antimalarials,
 *   immunosuppressives, biologics), listed by the EULAR 2023 SLE recommendations (Fanouriakis A,
 *   et al. Ann Rheum Dis 2024;83:15–29): hydroxychloroquine/chloroquine, methotrexate,
 *   azathioprine, mycophenolate, calcineurin inhibitors (ciclosporin, tacrolimus, voclosporin),
 *   cyclophosphamide, belimumab, anifrolumab, rituximab. Beyond that list, and so making "free"
 *   stricter rather than looser: quinacrine, leflunomide and sirolimus (used off-label in SLE),
 *   telitacicept (approved for SLE in China) and obinutuzumab (lupus nephritis). This is the
 *   "drug-free" of drug-free remission (clinical-rules.md §5.4 [D]).
 *   Lymphodepletion (fludarabine/cyclophosphamide before CAR-T) is part of the CAR-T procedure,
 *   not lupus therapy — the trial gave CAR-T "after all SLE medicines were stopped and after
 *   conditioning" (reference-case.md) — so a record whose indication says lymphodepletion or
 *   conditioning does not count. Prophylaxis and supportive care (antivirals, antibiotics such as
 *   PJP prophylaxis, antifungals, IVIG, G-CSF, antipyretics, tocilizumab for CRS) are not on the
 *   list and do not count.
 * - medication-free: every medication record, prophylaxis included — "no medication at all", as
 *   the reference case's press account puts it.
 */

import { addDays } from "../calendar.ts";
import { activeOn, isLupusTherapy, isSystemicGlucocorticoid, type MedicationFacts } from "../medications.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, reached } from "./endpoint.ts";

/** A medication record as the endpoints read it; the classes and routes are domain/medications.ts's. */
export interface MedicationRecord extends MedicationFacts {
  id: string;
  indication: string | null;
}

const SOURCE_DORIS_EULAR =
  "van Vollenhoven RF, et al. Lupus Sci Med 2021;8:e000538 (DORIS drug classes); Fanouriakis A, et al. Ann Rheum Dis 2024;83:15–29 (EULAR 2023 SLE drugs)";

export const MEDICATION_FREE_ENDPOINTS = {
  steroid: {
    key: "steroid-free",
    title: "Steroid-free from",
    rule: "Day after the last stop date of any systemic glucocorticoid (any indication); none ongoing.",
    source: SOURCE_DORIS_EULAR,
  },
  lupus: {
    key: "lupus-therapy-free",
    title: "Free of lupus therapy from",
    rule: "Day after the last stop date of any glucocorticoid, antimalarial, immunosuppressive or biologic; lymphodepletion before CAR-T, prophylaxis and supportive care do not count; none ongoing.",
    source: SOURCE_DORIS_EULAR,
  },
  all: {
    key: "medication-free",
    title: "Medication-free (no medication at all) from",
    rule: "Day after the last stop date of any medication record, prophylaxis included; none ongoing.",
    source: "Platform definition: 'no medication at all' as in shared/domain/reference-case.md",
  },
} as const satisfies Record<string, EndpointDefinition>;

export function freeFrom(
  def: EndpointDefinition,
  counted: MedicationRecord[],
  day0: string | null,
  what: string,
): Endpoint {
  if (counted.length === 0) return notEvaluable(def, `No ${what} in the medication record.`);
  const ongoing = counted.filter((m) => m.stopDate === null);
  if (ongoing.length)
    return reached(def, {
      status: "not-met",
      value: false,
      date: null,
      day0,
      derivedFrom: ongoing.map((m) => ({ kind: "medication", id: m.id })),
      reasons: ongoing.map((m) => `${m.drug} since ${m.startDate}, no stop date: ongoing.`),
    });
  const last = counted.reduce((a, b) => (b.stopDate! > a.stopDate! ? b : a));
  const from = addDays(last.stopDate!, 1);
  return reached(def, {
    value: true,
    date: from,
    day0,
    derivedFrom: [{ kind: "medication", id: last.id }],
    reasons: [
      `Last ${what}: ${last.drug}, stopped ${last.stopDate} (last day taken); ${counted.length} record(s) considered.`,
    ],
    details: { lastDrug: last.drug, lastStopDate: last.stopDate, recordsConsidered: counted.length },
  });
}

export function medicationFreeEndpoints(meds: MedicationRecord[], day0: string | null): Endpoint[] {
  return [
    freeFrom(
      MEDICATION_FREE_ENDPOINTS.steroid,
      meds.filter(isSystemicGlucocorticoid),
      day0,
      "systemic glucocorticoid",
    ),
    freeFrom(MEDICATION_FREE_ENDPOINTS.lupus, meds.filter(isLupusTherapy), day0, "lupus therapy"),
    freeFrom(MEDICATION_FREE_ENDPOINTS.all, meds, day0, "medication"),
  ];
}

/** Lupus therapies taken on `date` (start ≤ date ≤ stop, or no stop). */
export const lupusTherapyOn = (meds: MedicationRecord[], date: string): MedicationRecord[] =>
  meds.filter((m) => isLupusTherapy(m) && activeOn(m, date));
