/**
 * A timeline entry in the reader's language, worded from its `detail` (the states, event types,
 * DIN, parties, study and visit label the server sends beside its English `summary`), never by
 * parsing the English. An assessment is worded from its calculator and coded label, a derived
 * endpoint from its key. Entries whose words are the record's own (a lab's display name, a
 * clinical event's title) keep the server's summary.
 */
import { lookup } from "../../api/problem-errors.ts";
import { type ReasonCode, reasonText } from "../../i18n/reasons.ts";
import { visitName } from "../../ui/visit-name.ts";
import { calculatorName } from "../grading/json-schema.ts";

export interface TimelineEntry {
  kind: string;
  summary: string;
  detail: Record<string, unknown>;
}

const text = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
/** A catalogue word for a code, else the code itself (a state or event the catalogue lacks). */
const word = (prefix: string, code: unknown): string => lookup(`${prefix}.${text(code)}`) ?? text(code);

export function timelineSummary(item: TimelineEntry): string {
  const d = item.detail;
  const say = (key: string, values: Record<string, unknown>) =>
    lookup(`patientScreens.timeline.summary.${key}`, values) ?? item.summary;
  const condition = () => lookup(`conditions.names.${text(d.code)}`) ?? (text(d.display) || item.summary);
  switch (item.kind) {
    case "journey":
      return say("journey", {
        event: word("journeyEvent", d.event),
        from: word("journeyState", d.from),
        to: word("journeyState", d.to),
      });
    case "product":
      return say("product", {
        din: text(d.din),
        event: word("product.eventType", d.event),
        from: word("productState", d.from),
        to: word("productState", d.to),
      });
    case "custody-handoff":
      return say("custodyHandoff", {
        din: text(d.din),
        from: text(d.from),
        to: text(d.to),
        place: text(d.place),
      });
    case "temperature-log":
      return say(d.quarantined ? "temperatureLogQuarantined" : "temperatureLog", {
        din: text(d.din),
        logger: text(d.loggerId),
        verdict: word("product.loggerVerdict", d.verdict),
      });
    case "visit":
      return d.doneOn
        ? say("visitDone", { label: visitName(text(d.code), text(d.label)) })
        : say("visitMissed", { label: visitName(text(d.code), text(d.label)), reason: text(d.missedReason) });
    case "consent":
      return say("consent", { study: text(d.study), version: text(d.consentVersion) });
    case "enrolment":
      return d.doseLevelCode
        ? say("enrolmentDose", { study: text(d.study), arm: text(d.armCode), dose: text(d.doseLevelCode) })
        : say("enrolment", { study: text(d.study), arm: text(d.armCode) });
    case "infusion":
      return say("infusion", { study: text(d.study) });
    case "medication-stop":
      return say("medicationStop", { drug: text(d.drug) });
    case "assessment":
      if (!d.calculator) return item.summary;
      return say("assessment", {
        calc: calculatorName(text(d.calculator)),
        label: reasonText(text(d.label), d.labelCode as ReasonCode | null | undefined),
      });
    case "derived-endpoint": {
      const title = lookup(`endpointTitle.${text(d.key)}`);
      if (!title) return item.summary;
      // A day is worded; a date reached needs only the title (the row shows its date); other
      // values are numbers with their units, shown as the server formats them.
      if (d.unit === "day" && typeof d.value === "number")
        return say("endpoint", { title, value: lookup("reasonFormat.day", { day: d.value }) });
      if (d.unit === "days" && typeof d.value === "number")
        return say("endpoint", {
          title,
          value: lookup("patientScreens.timeline.summary.days", { n: d.value }),
        });
      if (typeof d.value === "boolean" || d.valueText === undefined) return say("endpointReached", { title });
      return say("endpoint", { title, value: text(d.valueText) });
    }
    case "condition":
      return condition();
    case "condition-resolved":
      return say("conditionResolved", {
        name: condition(),
        status: word("conditions.statuses", d.clinicalStatus),
      });
    default:
      return item.summary;
  }
}
