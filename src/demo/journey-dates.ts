/**
 * When each vein-to-vein step of a demo patient happened, worked out from the patient's plan (its
 * enrolment, referral and leukapheresis events). Pure, so a test can read a patient's journey
 * without a database; src/demo/journey-walk.ts then records these steps through the services.
 *
 * Intervals follow shared/domain/workflow-standards.md §1.2–§1.3: manufacturing and release in
 * about three weeks, shipment to the site the week before infusion, fludarabine/cyclophosphamide
 * on days −5 to −3, acute monitoring to day 28, primary follow-up to month 24 and long-term
 * follow-up after it (§4.4 "Years 3–15 yearly").
 */

import { addDays } from "../domain/calendar.ts";
import type { PatientPlan } from "./plan.ts";
import { DEMO_AS_OF } from "./synthetic-cohort.ts";

/** Days after infusion at which the journey leaves acute monitoring (§1.3: "D28 onward"). */
export const FOLLOW_UP_FROM_DAY = 28;
/** Days after infusion at which primary follow-up ends and long-term follow-up starts (§4.4). */
export const LONG_TERM_FROM_DAY = 730;
/** Days after the last recorded contact at which a patient who stopped answering is declared lost. */
export const DECLARED_LOST_AFTER_DAYS = 120;

export type JourneyEnd =
  | { kind: "screening" }
  | { kind: "screen-failed"; on: string; criteria: string }
  | { kind: "awaiting-product" }
  | { kind: "withdrawn"; on: string; reason: string }
  | { kind: "in-follow-up" }
  | { kind: "completed"; on: string }
  | { kind: "died"; on: string }
  | { kind: "lost"; on: string };

export interface JourneyDates {
  referral: string;
  consult: string;
  consent: string;
  enrolled?: string;
  apheresis?: string;
  /** the lymphoma bridging or lupus washout window while the product is made */
  bridging?: { kind: "bridging" | "washout"; from: string; to: string };
  manufactureStart?: string;
  manufactureEnd?: string;
  release?: string;
  shipToSite?: string;
  receivedAtSite?: string;
  lymphodepletion?: { from: string; to: string };
  infusion?: string;
  followUp?: string;
  longTermFollowUp?: string;
  end: JourneyEnd;
}

const dateOf = (instant: string) => instant.slice(0, 10);
const first = <T>(items: T[], pick: (t: T) => boolean) => items.find(pick);
const notAfter = (date: string, limit: string) => (date <= limit ? date : limit);

/** The journey of a planned patient, or undefined for one who was only referred (no enrolment yet). */
export function journeyDates(plan: PatientPlan): JourneyDates | undefined {
  const e = plan.enrolment;
  if (!e) return undefined;
  const eventOn = (pick: (title: string, category: string) => boolean) => {
    const ev = first(plan.events, (x) => pick(x.title, x.category));
    return ev ? dateOf(ev.occurredAt) : undefined;
  };
  const eventText = (pick: (title: string) => boolean) =>
    first(plan.events, (x) => pick(x.title))?.text ?? undefined;
  const referral = eventOn((_t, c) => c === "referral") ?? addDays(e.consentDate, -14);
  const consult = addDays(referral, Math.max(0, Math.floor((daysFrom(referral, e.consentDate) * 2) / 3)));
  const base = { referral, consult: notAfter(consult, e.consentDate), consent: e.consentDate };
  const apheresis = eventOn((t) => t.startsWith("Leukapheresis"));

  if (e.status === "screening") return { ...base, end: { kind: "screening" } };
  if (e.status === "screen-failed") {
    const on = eventOn((t) => t.startsWith("Screen failure")) ?? addDays(e.consentDate, 10);
    const criteria = eventText((t) => t.startsWith("Screen failure")) ?? "Eligibility criteria not met";
    return { ...base, end: { kind: "screen-failed", on, criteria } };
  }
  const enrolled = e.enrolledOn ?? undefined;
  if (!e.infusionDate) {
    const bridging = bridgingOf(plan, apheresis);
    if (e.status === "withdrawn") {
      const on = eventOn((t) => t.startsWith("Withdrawn")) ?? addDays(apheresis ?? e.consentDate, 14);
      const reason = eventText((t) => t.startsWith("Withdrawn")) ?? "Patient choice";
      return { ...base, enrolled, apheresis, end: { kind: "withdrawn", on, reason } };
    }
    return {
      ...base,
      enrolled,
      apheresis,
      ...(bridging ? { bridging } : {}),
      ...(apheresis ? { manufactureStart: addDays(apheresis, 1) } : {}),
      // Manufacturing takes about two weeks before QC (§1.2); a younger lot is still being made.
      ...(apheresis && addDays(apheresis, 15) <= DEMO_AS_OF
        ? { manufactureEnd: addDays(apheresis, 15) }
        : {}),
      end: { kind: "awaiting-product" },
    };
  }

  const inf = e.infusionDate;
  const day = (d: number) => addDays(inf, d);
  const lastData = lastRecorded(plan);
  const dates: JourneyDates = {
    ...base,
    enrolled,
    apheresis,
    ...(bridgingOf(plan, apheresis) ? { bridging: bridgingOf(plan, apheresis)! } : {}),
    manufactureStart: apheresis ? addDays(apheresis, 1) : undefined,
    manufactureEnd: day(-10),
    release: day(-9),
    shipToSite: day(-8),
    receivedAtSite: day(-7),
    lymphodepletion: { from: day(-5), to: day(-3) },
    infusion: inf,
    end: { kind: "in-follow-up" },
  };
  if (day(FOLLOW_UP_FROM_DAY) <= DEMO_AS_OF) dates.followUp = day(FOLLOW_UP_FROM_DAY);
  switch (e.status) {
    case "died": {
      const on = eventOn((t) => t === "Death") ?? lastData ?? DEMO_AS_OF;
      if (dates.followUp && dates.followUp > on) delete dates.followUp;
      dates.end = { kind: "died", on };
      break;
    }
    case "lost-to-follow-up": {
      const on =
        eventOn((t) => t.startsWith("Lost to follow-up")) ??
        notAfter(addDays(lastData ?? inf, DECLARED_LOST_AFTER_DAYS), DEMO_AS_OF);
      dates.end = { kind: "lost", on };
      break;
    }
    case "completed":
      dates.longTermFollowUp = day(LONG_TERM_FROM_DAY);
      dates.end = { kind: "completed", on: day(LONG_TERM_FROM_DAY) };
      break;
    default:
      if (day(LONG_TERM_FROM_DAY) <= DEMO_AS_OF) dates.longTermFollowUp = day(LONG_TERM_FROM_DAY);
  }
  if (dates.end.kind === "lost" && dates.longTermFollowUp && dates.longTermFollowUp > dates.end.on)
    delete dates.longTermFollowUp;
  return dates;
}

/**
 * Bridging therapy (lymphoma) shows in the medication record with an indication naming it; the
 * lupus arm tapers immunosuppression before lymphodepletion instead (§1.3 BridgingOrWashout).
 */
function bridgingOf(plan: PatientPlan, apheresis: string | undefined): JourneyDates["bridging"] {
  const med = plan.medications.find((m) => /bridging/i.test(m.indication ?? ""));
  if (med?.startDate && med.stopDate) return { kind: "bridging", from: med.startDate, to: med.stopDate };
  if (plan.enrolment?.armCode === "AID" && apheresis && plan.enrolment.infusionDate)
    return { kind: "washout", from: addDays(apheresis, 2), to: addDays(plan.enrolment.infusionDate, -6) };
  return undefined;
}

function lastRecorded(plan: PatientPlan): string | undefined {
  return [...plan.observations.map((o) => o.effectiveAt), ...plan.events.map((x) => x.occurredAt)]
    .map(dateOf)
    .sort()
    .at(-1);
}

function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
