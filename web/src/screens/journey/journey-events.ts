/**
 * What each journey event asks of the person moving the journey, and the body sent for it
 * (src/domain/schemas/vein-to-vein-events.ts is the contract). Pure, so the form and the unit test
 * read the same table. The server decides whether the move is allowed; this only shapes the form.
 */
import { lookup } from "../../api/problem-errors.ts";
import { i18n } from "../../i18n/index.ts";

/** The inputs a journey event's form shows, beyond the optional note. */
export type EventField =
  | "slot"
  | "apheresisDate"
  | "bridgingKind"
  | "reason"
  | "failedCriteria"
  | "consentScopes"
  | "pathway"
  | "ldPlan";

export interface EventForm {
  fields: EventField[];
  /** the reason must be given (the server refuses some without one; the journey's end is always explained) */
  reasonRequired: boolean;
  /** ends the journey or stops treatment: the button is shown apart, in red */
  ending: boolean;
}

const ENDINGS = new Set(["withdraw", "die", "lose-to-follow-up", "stop-treatment", "fail-screening"]);

/** The form of one event type; unknown types are a bare confirmation. */
export function eventForm(type: string): EventForm {
  const ending = ENDINGS.has(type);
  const form = (fields: EventField[], reasonRequired = false): EventForm => ({
    fields,
    reasonRequired,
    ending,
  });
  switch (type) {
    case "book-apheresis":
    case "reschedule-apheresis":
      return form(["apheresisDate", "slot"]);
    case "start-bridging":
      return form(["bridgingKind"]);
    case "start-lymphodepletion":
      return form(["ldPlan"]);
    case "sign-consent":
      return form(["consentScopes"]);
    case "enrol":
      return form(["pathway"]);
    case "fail-screening":
      return form(["failedCriteria"]);
    case "manufacturing-failed":
    case "defer-infusion":
    case "stop-treatment":
    case "withdraw":
    case "die":
    case "lose-to-follow-up":
      return form(["reason"], true);
    default:
      return form([]);
  }
}

/** What the form holds when it is sent. */
export interface EventValues {
  slotId?: string;
  apheresisDate?: string;
  bridgingKind?: "bridging" | "washout";
  reason?: string;
  failedCriteria?: string;
  consentScopes?: string[];
  pathway?: "trial" | "routine-care";
  /** trial: eligibility confirmed; routine care: payer and MDT approval */
  approved?: boolean;
  /** the plan's doses were read and the patient is fit for lymphodepletion */
  planConfirmed?: boolean;
}

/** The event's body (without the version, which the panel adds from the journey it shows). */
export function eventBody(type: string, v: EventValues): Record<string, unknown> {
  const reason = v.reason?.trim();
  const body: Record<string, unknown> = { type, ...(reason ? { reason } : {}) };
  switch (type) {
    case "book-apheresis":
    case "reschedule-apheresis":
      if (v.slotId) body.manufacturingSlotId = v.slotId;
      if (v.apheresisDate) body.apheresisDate = v.apheresisDate;
      break;
    case "start-bridging":
      body.kind = v.bridgingKind ?? "bridging";
      break;
    case "start-lymphodepletion":
      body.patientFit = v.planConfirmed === true;
      break;
    case "sign-consent":
      body.scopes = v.consentScopes ?? [];
      break;
    case "enrol":
      body.pathway = v.pathway ?? "trial";
      if (body.pathway === "trial") body.eligibilityConfirmed = v.approved === true;
      else Object.assign(body, { payerApproved: v.approved === true, mdtApproved: v.approved === true });
      break;
    case "fail-screening":
      body.failedCriteria = (v.failedCriteria ?? "")
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
      break;
    case "manufacturing-failed":
    case "defer-infusion":
    case "stop-treatment":
      // These carry their reason as the event's own field too (the machine checks it there).
      body.reason = reason ?? "";
      break;
  }
  return body;
}

/** The allowed events in the order the panel shows them: the way forward first, endings last. */
export function orderedEvents(allowed: readonly string[]): { forward: string[]; endings: string[] } {
  return {
    forward: allowed.filter((t) => !ENDINGS.has(t)),
    endings: allowed.filter((t) => ENDINGS.has(t)),
  };
}

/** The event's name in the reader's language (by its code; never the code itself). */
export function eventLabel(type: string): string {
  return lookup(`journeyEvent.${type}`) ?? String(i18n.t("journeyPanel.unknownEvent"));
}
