/**
 * Lymphoma response endpoints from the stored Lugano 2014 assessments (lugano-pet, lugano-ct):
 * best overall response, first complete response, relapse or progression, duration of response.
 *
 * - Only assessments on or after day 0 count; earlier ones are the baseline.
 * - Metabolic and radiological categories are put on one scale: CMR = CR, PMR = PR, NMR = SD,
 *   PMD = PD (Cheson 2014, Table 3 pairs them). When a PET-CT and a CT response share a date the
 *   PET-CT one is used: PET-CT is the reference method for FDG-avid lymphoma (Cheson 2014;
 *   clinical-rules.md §4.3 "Overall response").
 * - Best overall response: the best timepoint response (CR > PR > SD > PD) from day 0 up to and
 *   including the first progression; responses after progression belong to a later line of
 *   therapy (the best-overall-response convention of RECIST 1.1, Eisenhauer 2009: "from the start
 *   of treatment until disease progression/recurrence"). RECIST's confirmation of responses and
 *   minimum SD interval are not applied: Lugano 2014 asks for neither.
 * - Progression date: the first PD/PMD on or after day 0; called relapse when a CR preceded it.
 * - Duration of response: from the first CR or PR to progression or death, in days; without either
 *   it is censored at the last assessment (status "not-met": the end has not happened).
 */

import { daysBetween } from "../calendar.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, type RecordRef, reached } from "./endpoint.ts";

export type ResponseCategory = "CR" | "PR" | "SD" | "PD";

const CATEGORY: Record<string, ResponseCategory> = {
  CMR: "CR",
  CR: "CR",
  PMR: "PR",
  PR: "PR",
  NMR: "SD",
  SD: "SD",
  PMD: "PD",
  PD: "PD",
};
const RANK: Record<ResponseCategory, number> = { CR: 4, PR: 3, SD: 2, PD: 1 };

export interface ResponseAssessment {
  id: string;
  date: string;
  calculator: "lugano-pet" | "lugano-ct";
  /** the stored calculator value, e.g. "CMR" or "PR" */
  value: string;
}

const SOURCE =
  "Cheson BD, et al. J Clin Oncol 2014;32:3059–3068 (Lugano classification); best-response and duration conventions as in RECIST 1.1 (Eisenhauer EA, et al. Eur J Cancer 2009;45:228–247)";

export const RESPONSE_ENDPOINTS = {
  best: {
    key: "best-overall-response",
    title: "Best overall response (Lugano 2014)",
    rule: "Best timepoint response CR > PR > SD > PD from day 0 up to the first progression; PET-CT over CT on the same date; dated when first reached.",
    source: SOURCE,
  },
  firstCr: {
    key: "first-complete-response",
    title: "First complete response",
    rule: "First CR or CMR on or after day 0, before any progression.",
    source: SOURCE,
  },
  progression: {
    key: "progression",
    title: "Relapse or progression",
    rule: "First PD or PMD on or after day 0; relapse when a CR came before it.",
    source: SOURCE,
  },
  duration: {
    key: "duration-of-response",
    title: "Duration of response",
    rule: "Days from the first CR/PR to progression or death; censored at the last assessment otherwise.",
    source: SOURCE,
  },
} as const satisfies Record<string, EndpointDefinition>;

interface Timepoint {
  date: string;
  category: ResponseCategory;
  raw: string;
  calculator: ResponseAssessment["calculator"];
  ref: RecordRef;
}

export function responseEndpoints(
  assessments: ResponseAssessment[],
  day0: string | null,
  deathDate: string | null = null,
): Endpoint[] {
  const all = Object.values(RESPONSE_ENDPOINTS);
  if (!day0) return all.map((d) => notEvaluable(d, "No CAR-T infusion recorded: there is no day 0."));
  const byDate = new Map<string, Timepoint>();
  for (const a of [...assessments].sort((x, y) => x.date.localeCompare(y.date))) {
    const category = CATEGORY[a.value];
    if (!category || a.date < day0) continue;
    const prev = byDate.get(a.date);
    // keep the first of a date, unless a PET-CT comes to replace a CT
    if (prev && !(a.calculator === "lugano-pet" && prev.calculator === "lugano-ct")) continue;
    byDate.set(a.date, {
      date: a.date,
      category,
      raw: a.value,
      calculator: a.calculator,
      ref: { kind: "assessment", id: a.id },
    });
  }
  const timepoints = [...byDate.values()];
  if (timepoints.length === 0)
    return all.map((d) => notEvaluable(d, "No Lugano response assessment stored on or after day 0."));

  const pdIndex = timepoints.findIndex((t) => t.category === "PD");
  const upToPd = pdIndex < 0 ? timepoints : timepoints.slice(0, pdIndex + 1);
  const best = upToPd.reduce((a, b) => (RANK[b.category] > RANK[a.category] ? b : a));
  const firstCr = upToPd.find((t) => t.category === "CR");
  const firstResponse = upToPd.find((t) => t.category === "CR" || t.category === "PR");
  const pd = pdIndex < 0 ? null : timepoints[pdIndex]!;
  const last = timepoints.at(-1)!;
  const describe = (t: Timepoint) =>
    `${t.raw}${t.raw !== t.category ? ` (= ${t.category})` : ""} on ${t.date}`;
  const sequence = `Timepoint responses from day 0: ${timepoints.map(describe).join(", ")}.`;

  const bestEndpoint = reached(RESPONSE_ENDPOINTS.best, {
    value: best.category,
    date: best.date,
    day0,
    derivedFrom: upToPd.map((t) => t.ref),
    reasons: [
      sequence,
      `Best: ${describe(best)}${pd ? `, counted up to the progression on ${pd.date}` : ""}.`,
    ],
    details: { assessedAs: best.raw },
  });
  const firstCrEndpoint = firstCr
    ? reached(RESPONSE_ENDPOINTS.firstCr, {
        value: firstCr.raw,
        date: firstCr.date,
        day0,
        derivedFrom: [firstCr.ref],
        reasons: [sequence],
      })
    : reached(RESPONSE_ENDPOINTS.firstCr, {
        status: "not-met",
        value: null,
        date: null,
        day0,
        derivedFrom: upToPd.map((t) => t.ref),
        reasons: [sequence, "No complete response before any progression."],
      });
  const progressionEndpoint = pd
    ? reached(RESPONSE_ENDPOINTS.progression, {
        value: firstCr ? "relapse" : "progression",
        date: pd.date,
        day0,
        derivedFrom: [pd.ref],
        reasons: [
          sequence,
          firstCr ? `Relapse after the CR of ${firstCr.date}.` : "Progression without a prior CR.",
        ],
      })
    : reached(RESPONSE_ENDPOINTS.progression, {
        status: "not-met",
        value: null,
        date: null,
        day0,
        derivedFrom: timepoints.map((t) => t.ref),
        reasons: [sequence, `No progression through the last assessment on ${last.date}.`],
      });

  let durationEndpoint: Endpoint;
  if (!firstResponse)
    durationEndpoint = notEvaluable(
      RESPONSE_ENDPOINTS.duration,
      "No response (CR or PR) before any progression.",
    );
  else {
    const deathAfter = deathDate && deathDate >= firstResponse.date ? deathDate : null;
    const end =
      pd && (!deathAfter || pd.date <= deathAfter)
        ? { date: pd.date, why: `progression on ${pd.date}`, ref: [pd.ref] }
        : deathAfter
          ? { date: deathAfter, why: `death on ${deathAfter}`, ref: [] }
          : null;
    durationEndpoint = end
      ? reached(RESPONSE_ENDPOINTS.duration, {
          value: daysBetween(firstResponse.date, end.date),
          unit: "days",
          date: end.date,
          day0,
          derivedFrom: [firstResponse.ref, ...end.ref],
          reasons: [`From the first response on ${firstResponse.date} to ${end.why}.`],
          details: { censored: false, from: firstResponse.date },
        })
      : reached(RESPONSE_ENDPOINTS.duration, {
          status: "not-met",
          value: daysBetween(firstResponse.date, last.date),
          unit: "days",
          date: last.date,
          day0,
          derivedFrom: [firstResponse.ref, last.ref],
          reasons: [
            `From the first response on ${firstResponse.date}; no progression or death recorded, censored at the last assessment on ${last.date}.`,
          ],
          details: { censored: true, from: firstResponse.date },
        });
  }
  return [bestEndpoint, firstCrEndpoint, progressionEndpoint, durationEndpoint];
}
