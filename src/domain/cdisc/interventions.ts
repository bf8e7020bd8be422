/**
 * Interventions-class domains (SDTMIG 3.4 sections 6.1.2 and 6.1.4): EX holds what the protocol
 * gives, the CAR-T infusion and the lymphodepleting chemotherapy before it; CM every other
 * medication recorded.
 */
import { daysBetween } from "../calendar.ts";
import type { SdtmRow, SdtmVariable, SourceMedication, StudySource } from "./model.ts";
import { variables } from "./model.ts";
import type { SubjectContext } from "./subject-context.ts";
import { cdiscUnit, FREQUENCIES, ROUTES } from "./terminology.ts";

/**
 * Lymphodepleting agents by WHO ATC code: fludarabine L01BB05, cyclophosphamide L01AA01,
 * bendamustine L01AA09 (the Flu/Cy and bendamustine regimens of CAR-T labels, e.g. Kymriah and
 * Yescarta SmPC section 4.2).
 */
const LYMPHODEPLETING_ATC = ["L01BB05", "L01AA01", "L01AA09"];
/** Lymphodepletion runs on days −5 to −3 (study-day.ts); a start within 14 days before day 0 counts. */
const LYMPHODEPLETION_WINDOW_DAYS = 14;

/** A medication is protocol lymphodepletion (EX) rather than a concomitant one (CM). */
export function isLymphodepletion(m: SourceMedication, infusionDate: string | null): boolean {
  if (infusionDate === null || m.atcCode === null || !LYMPHODEPLETING_ATC.includes(m.atcCode)) return false;
  const before = daysBetween(m.startDate, infusionDate);
  return before >= 1 && before <= LYMPHODEPLETION_WINDOW_DAYS;
}

export const EX_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["EXSEQ", "Sequence Number", "num", "Req", "Derived"],
  ["EXTRT", "Name of Treatment", "char", "Req", "Collected"],
  ["EXCAT", "Category of Treatment", "char", "Perm", "Assigned"],
  [
    "EXDOSE",
    "Dose",
    "num",
    "Exp",
    "Protocol",
    { comment: "CAR-T: the dose level's planned CAR-positive viable cells (per kg for per-kg levels)" },
  ],
  ["EXDOSU", "Dose Units", "char", "Exp", "Protocol", { codelist: "UNIT" }],
  ["EXDOSFRQ", "Dosing Frequency per Interval", "char", "Perm", "Collected", { codelist: "FREQ" }],
  ["EXROUTE", "Route of Administration", "char", "Perm", "Collected", { codelist: "ROUTE" }],
  ["EXSTDTC", "Start Date/Time of Treatment", "char", "Exp", "Collected", { iso8601: true }],
  ["EXENDTC", "End Date/Time of Treatment", "char", "Exp", "Collected", { iso8601: true }],
  ["EXSTDY", "Study Day of Start of Treatment", "num", "Perm", "Derived"],
  ["EXENDY", "Study Day of End of Treatment", "num", "Perm", "Derived"],
]);

/** Our dose-level units (schemas/study.ts) as dose units; no CDISC UNIT term counts CAR+ cells. */
const DOSE_UNITS: Readonly<Record<string, string>> = {
  "car-cells-per-kg": "CAR+ cells/kg",
  "car-cells": "CAR+ cells",
};

export function exRows(study: StudySource, c: SubjectContext): SdtmRow[] {
  const s = c.subject;
  const rows: SdtmRow[] = s.medications
    .filter((m) => isLymphodepletion(m, s.infusionDate))
    .map((m) => ({
      STUDYID: c.studyId,
      DOMAIN: "EX",
      USUBJID: c.usubjid,
      EXTRT: m.drug.toUpperCase(),
      EXCAT: "LYMPHODEPLETING CHEMOTHERAPY",
      EXDOSE: m.doseValue,
      EXDOSU: cdiscUnit(m.doseUnit),
      EXDOSFRQ: m.frequency ? (FREQUENCIES[m.frequency] ?? null) : null,
      EXROUTE: m.route ? (ROUTES[m.route] ?? m.route.toUpperCase()) : null,
      EXSTDTC: m.startDate,
      EXENDTC: m.stopDate,
      EXSTDY: c.dy(m.startDate),
      EXENDY: c.dy(m.stopDate),
    }));
  const infusion = s.journey.find((e) => e.type === "infuse");
  if (infusion) {
    const level = study.arms
      .find((a) => a.code === s.armCode)
      ?.doseLevels.find((d) => d.code === s.doseLevelCode);
    const at = c.dtc(infusion.at);
    rows.push({
      STUDYID: c.studyId,
      DOMAIN: "EX",
      USUBJID: c.usubjid,
      EXTRT: study.productName,
      EXCAT: "CAR-T CELL THERAPY",
      EXDOSE: level?.dose ?? null,
      EXDOSU: level ? (DOSE_UNITS[level.unit] ?? level.unit) : null,
      EXDOSFRQ: "ONCE",
      EXROUTE: "INTRAVENOUS",
      EXSTDTC: at,
      EXENDTC: at,
      EXSTDY: c.dy(at),
      EXENDY: c.dy(at),
    });
  }
  return rows.sort((a, b) => String(a.EXSTDTC).localeCompare(String(b.EXSTDTC)));
}

export const CM_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["CMSEQ", "Sequence Number", "num", "Req", "Derived"],
  ["CMTRT", "Reported Name of Drug, Med, or Therapy", "char", "Req", "Collected"],
  [
    "CMDECOD",
    "Standardized Medication Name",
    "char",
    "Perm",
    "Assigned",
    { comment: "Not WHODrug-coded; the recorded WHO ATC code is in CMCLASCD" },
  ],
  ["CMCLASCD", "Medication Class Code", "char", "Perm", "Collected", { comment: "WHO ATC code as recorded" }],
  ["CMINDC", "Indication", "char", "Perm", "Collected"],
  ["CMDOSE", "Dose per Administration", "num", "Perm", "Collected"],
  ["CMDOSU", "Dose Units", "char", "Perm", "Collected", { codelist: "UNIT" }],
  ["CMDOSFRQ", "Dosing Frequency per Interval", "char", "Perm", "Derived", { codelist: "FREQ" }],
  ["CMDOSRGM", "Intended Dose Regimen", "char", "Perm", "Collected", { comment: "frequency as recorded" }],
  ["CMROUTE", "Route of Administration", "char", "Perm", "Collected", { codelist: "ROUTE" }],
  ["CMSTDTC", "Start Date/Time of Medication", "char", "Perm", "Collected", { iso8601: true }],
  ["CMENDTC", "End Date/Time of Medication", "char", "Perm", "Collected", { iso8601: true }],
  ["CMSTDY", "Study Day of Start of Medication", "num", "Perm", "Derived"],
  ["CMENDY", "Study Day of End of Medication", "num", "Perm", "Derived"],
]);

export function cmRows(c: SubjectContext): SdtmRow[] {
  const s = c.subject;
  return s.medications
    .filter((m) => !isLymphodepletion(m, s.infusionDate))
    .sort((a, b) => a.startDate.localeCompare(b.startDate) || a.id.localeCompare(b.id))
    .map((m) => ({
      STUDYID: c.studyId,
      DOMAIN: "CM",
      USUBJID: c.usubjid,
      CMTRT: m.drug,
      CMDECOD: m.atcCode ? m.drug.toUpperCase() : null,
      CMCLASCD: m.atcCode,
      CMINDC: m.indication,
      CMDOSE: m.doseValue,
      CMDOSU: cdiscUnit(m.doseUnit),
      CMDOSFRQ: m.frequency ? (FREQUENCIES[m.frequency] ?? null) : null,
      CMDOSRGM: m.frequency,
      CMROUTE: m.route ? (ROUTES[m.route] ?? m.route.toUpperCase()) : null,
      CMSTDTC: m.startDate,
      CMENDTC: m.stopDate,
      CMSTDY: c.dy(m.startDate),
      CMENDY: c.dy(m.stopDate),
    }));
}
