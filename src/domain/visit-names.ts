/**
 * The names the default visit schedule gives its visits ("Day 28", "Month 3", "Year 5 (long-term
 * follow-up)"), written once. The schedule stores a visit's name as text, because a study may name
 * its visits as its protocol does; a reader in another language can word a visit in its own
 * language only when the name is the one generated here for that code, so `standardVisitName`
 * recognises exactly those (a study's "Day 28 — DLT visit" stays as the study wrote it).
 */

export type VisitNameUnit = "day" | "month" | "year";

const PREFIX: Record<VisitNameUnit, string> = { day: "D", month: "M", year: "Y" };
const UNIT_OF: Record<string, VisitNameUnit> = { D: "day", M: "month", Y: "year" };

/** The default schedule's code and name of the visit `n` days, months or years after infusion. */
export function defaultVisitName(unit: VisitNameUnit, n: number): { code: string; label: string } {
  const label =
    unit === "day" ? `Day ${n}` : unit === "month" ? `Month ${n}` : `Year ${n} (long-term follow-up)`;
  return { code: `${PREFIX[unit]}${n}`, label };
}

/** The unit and number of a visit whose code and name are the default schedule's; null for any other. */
export function standardVisitName(code: string, label: string): { unit: VisitNameUnit; n: number } | null {
  const m = /^([DMY])([1-9]\d{0,3})$/.exec(code);
  if (!m) return null;
  const unit = UNIT_OF[m[1]!]!;
  const n = Number(m[2]);
  return defaultVisitName(unit, n).label === label ? { unit, n } : null;
}
