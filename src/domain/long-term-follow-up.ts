/**
 * Long-term follow-up (LTFU) after an integrating-vector CAR-T product: the yearly contacts a
 * patient is owed, what each must collect and whether it was recorded, and when a patient counts
 * as lost to follow-up. Pure: the service hands in the patient's generated visits.
 *
 * Sources: FDA, "Long Term Follow-up After Administration of Human Gene Therapy Products" (January
 * 2020): integrating vectors carry a delayed risk of insertional oncogenesis and are followed for up
 * to 15 years; the St Jude GENEFU protocol does this as a yearly health check and blood sample
 * (shared/domain/workflow-standards.md §4.1 [S27][S28]). Items: LTFU_ITEMS in visit-schedule.ts.
 */

import { addMonths } from "./calendar.ts";
import { LTFU_ITEMS, type LtfuItemCode, ltfuYears, type VectorType } from "./visit-schedule.ts";

/** The items every contact owes (the others only when clinically indicated): LTFU_ITEMS' `when`. */
export const EVERY_CONTACT_ITEMS: ReadonlySet<LtfuItemCode> = new Set(
  LTFU_ITEMS.filter((i) => i.when === "every-contact").map((i) => i.code),
);

/** What the coordinator records for one LTFU item at a contact. */
export const LTFU_OUTCOMES = ["none", "reported", "unknown"] as const;
export type LtfuOutcome = (typeof LTFU_OUTCOMES)[number];

/** A generated visit as the LTFU rules need it. */
export interface LtfuVisit {
  id: string;
  code: string;
  nominalDate: string;
  windowStart: string;
  windowEnd: string;
  ltfuItems: readonly string[];
  doneOn: string | null;
  missedReason: string | null;
  /** why the visit closed when the journey ended with it open (services/visits.ts) */
  closedReason: string | null;
  ltfuRecord: Readonly<Record<string, { outcome: string; note: string | null }>> | null;
}

export type ContactStatus =
  | "not-scheduled"
  | "upcoming"
  | "due"
  | "overdue"
  | "done"
  | "missed"
  /** the journey ended before the contact took place (died, withdrew, lost, completed) */
  | "closed";

export interface LtfuContact {
  /** year after infusion, 1..15 */
  year: number;
  /** the infusion's anniversary: "year N" is N × 12 calendar months (visit-schedule.ts convention) */
  anniversary: string;
  /** the protocol visit that serves this contact; null when the schedule has none (a gap) */
  visit: { id: string; code: string; windowStart: string; windowEnd: string } | null;
  status: ContactStatus;
  doneOn: string | null;
  missedReason: string | null;
  /**
   * The items this contact owes, by code: what each is, when it is owed and its source are
   * LTFU_ITEMS' (visit-schedule.ts), the same for every contact, so a contact does not repeat them.
   */
  items: {
    code: LtfuItemCode;
    recorded: boolean;
    outcome: LtfuOutcome | null;
    note: string | null;
  }[];
  /** every "every-contact" item has an outcome */
  complete: boolean;
}

/**
 * Years of yearly contacts for a product's vector: 15 for integrating vectors, none otherwise
 * (FDA 2020 is risk-based; a protocol that wants LTFU for other vectors schedules it itself).
 * Null vector type (not yet classified) gets none and is reported by the caller.
 */
export function ltfuYearsFor(vector: VectorType | null): number {
  return vector === null ? 0 : (ltfuYears(vector) ?? 0);
}

function statusOf(v: LtfuVisit, today: string): ContactStatus {
  if (v.doneOn !== null) return "done";
  if (v.missedReason !== null) return "missed";
  if (v.closedReason !== null) return "closed";
  if (today < v.windowStart) return "upcoming";
  if (today <= v.windowEnd) return "due";
  return "overdue";
}

/**
 * The patient's yearly contacts 1..years. A contact is served by the visit that collects LTFU items
 * and whose window holds the anniversary (the nearest one if several do), so it does not depend on
 * visit codes: the default template's M12 and M24 serve years 1 and 2, Y3..Y15 the rest.
 * `inCalendarYear`: only the contacts whose anniversary falls in that calendar year (what a
 * year's contact list shows), the others not worked out.
 */
export function ltfuContacts(
  infusionDate: string,
  years: number,
  visits: readonly LtfuVisit[],
  today: string,
  { inCalendarYear }: { inCalendarYear?: number } = {},
): LtfuContact[] {
  const contacts: LtfuContact[] = [];
  for (let year = 1; year <= years; year++) {
    const anniversary = addMonths(infusionDate, 12 * year);
    if (inCalendarYear !== undefined && Number(anniversary.slice(0, 4)) !== inCalendarYear) continue;
    const candidates = visits
      .filter((v) => v.ltfuItems.length > 0 && v.windowStart <= anniversary && anniversary <= v.windowEnd)
      .sort((a, b) => distance(a.nominalDate, anniversary) - distance(b.nominalDate, anniversary));
    const v = candidates[0];
    const items = LTFU_ITEMS.filter((i) => !v || v.ltfuItems.includes(i.code)).map((i) => {
      const r = v?.ltfuRecord?.[i.code];
      return {
        code: i.code,
        recorded: r !== undefined,
        outcome: (r?.outcome as LtfuOutcome | undefined) ?? null,
        note: r?.note ?? null,
      };
    });
    contacts.push({
      year,
      anniversary,
      visit: v ? { id: v.id, code: v.code, windowStart: v.windowStart, windowEnd: v.windowEnd } : null,
      status: v ? statusOf(v, today) : "not-scheduled",
      doneOn: v?.doneOn ?? null,
      missedReason: v?.missedReason ?? null,
      items,
      complete: items.filter((i) => EVERY_CONTACT_ITEMS.has(i.code)).every((i) => i.recorded),
    });
  }
  return contacts;
}

const distance = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b));

// ---------------------------------------------------------------------------------------------
// Lost to follow-up
// ---------------------------------------------------------------------------------------------

/**
 * Consecutive closed contacts without a visit done that make a patient "suspected lost". [D] One
 * missed yearly contact is common (travel, illness) and is caught up at the next; two in a row
 * means more than a year without news after a window closed, which is when a site should start
 * the tracing a declaration needs. The notes give no number; a protocol may choose another.
 */
export const CONSECUTIVE_CONTACTS_NOT_DONE = 2;

export type LostBasis = "declared" | "consecutive-contacts-not-done";

export interface LostAssessment {
  lost: boolean;
  basis: LostBasis | null;
  /** the contacts that make up the run, oldest first */
  contactsNotDone: { year: number; status: ContactStatus; windowEnd: string | null }[];
  lastContactDone: string | null;
  reason: string;
}

/**
 * Whether a patient is lost to follow-up:
 * - declared: the journey (or enrolment) is in "lost-to-follow-up". CIBMTR lets a centre declare a
 *   recipient lost only after it tried to make contact and failed (FormsNet3 Training Guide, "Lost
 *   to Follow-up"), so a declaration always wins;
 * - suspected: the last CONSECUTIVE_CONTACTS_NOT_DONE contacts whose windows have closed were not
 *   done (missed with a reason, or overdue with nothing recorded), with no done contact after them.
 *   A contact still in its window, or one the schedule lacks, neither counts nor breaks the run.
 * Patients who died, withdrew or completed are not lost: the caller leaves them out.
 */
export function assessLostToFollowUp(contacts: readonly LtfuContact[], declared: boolean): LostAssessment {
  const closed = contacts.filter(
    (c) => c.status === "done" || c.status === "missed" || c.status === "overdue",
  );
  const lastDone = [...closed].reverse().find((c) => c.status === "done");
  const run: LtfuContact[] = [];
  for (const c of [...closed].reverse()) {
    if (c.status === "done") break;
    run.unshift(c);
  }
  const contactsNotDone = run.map((c) => ({
    year: c.year,
    status: c.status,
    windowEnd: c.visit?.windowEnd ?? null,
  }));
  const lastContactDone = lastDone?.doneOn ?? null;
  if (declared)
    return {
      lost: true,
      basis: "declared",
      contactsNotDone,
      lastContactDone,
      reason: "Declared lost to follow-up on the journey.",
    };
  if (run.length >= CONSECUTIVE_CONTACTS_NOT_DONE)
    return {
      lost: true,
      basis: "consecutive-contacts-not-done",
      contactsNotDone,
      lastContactDone,
      reason: `The last ${run.length} closed LTFU contacts (years ${run.map((c) => c.year).join(", ")}) were not done.`,
    };
  return {
    lost: false,
    basis: null,
    contactsNotDone,
    lastContactDone,
    reason:
      run.length === 0
        ? "No closed LTFU contact without a visit done."
        : `${run.length} closed LTFU contact not done; ${CONSECUTIVE_CONTACTS_NOT_DONE} in a row make a patient lost.`,
  };
}

/**
 * The LTFU years a schedule does not cover: year N is covered by a visit that collects LTFU items
 * at month 12·N or year N. Used to warn when a study with an integrating-vector product sets a
 * schedule that stops short of 15 years.
 */
export function uncoveredLtfuYears(
  visits: readonly { offset: { unit: string; value: number }; ltfuItems: readonly string[] }[],
  years: number,
): number[] {
  const covered = new Set(
    visits
      .filter((v) => v.ltfuItems.length > 0)
      .flatMap((v) =>
        v.offset.unit === "year"
          ? [v.offset.value]
          : v.offset.unit === "month" && v.offset.value % 12 === 0
            ? [v.offset.value / 12]
            : [],
      ),
  );
  const missing: number[] = [];
  for (let y = 1; y <= years; y++) if (!covered.has(y)) missing.push(y);
  return missing;
}

export type { LtfuItemCode };
