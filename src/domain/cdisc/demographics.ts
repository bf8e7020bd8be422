/**
 * DM, one record per enrolled subject (SDTMIG 3.4 section 5.2). Reference dates: RFSTDTC and
 * RFENDTC are the CAR-T infusion (a single administration; our day 0, so SDTM day 1), RFXSTDTC /
 * RFXENDTC the first and last exposure in EX (lymphodepletion to infusion), RFICDTC the consent,
 * RFPENDTC the end of participation (the disposition event that ended the journey, if any).
 * Pseudonymous: the subject code and the birth year are all the DM knows of the person; AGE is
 * counted from the birth year at consent, so it may be one year more than the exact age.
 */
import type { SdtmRow, SdtmVariable, StudySource } from "./model.ts";
import { variables } from "./model.ts";
import type { SubjectContext } from "./subject-context.ts";
import { COUNTRY_ALPHA3, SEX } from "./terminology.ts";

export const DM_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived", { comment: "STUDYID-SUBJID" }],
  [
    "SUBJID",
    "Subject Identifier for the Study",
    "char",
    "Req",
    "Assigned",
    { comment: "pseudonymous subject code" },
  ],
  [
    "RFSTDTC",
    "Subject Reference Start Date/Time",
    "char",
    "Exp",
    "Derived",
    { iso8601: true, comment: "CAR-T infusion (day 0 of the cell-therapy calendar is SDTM day 1)" },
  ],
  [
    "RFENDTC",
    "Subject Reference End Date/Time",
    "char",
    "Exp",
    "Derived",
    { iso8601: true, comment: "CAR-T infusion" },
  ],
  ["RFXSTDTC", "Date/Time of First Study Treatment", "char", "Exp", "Derived", { iso8601: true }],
  ["RFXENDTC", "Date/Time of Last Study Treatment", "char", "Exp", "Derived", { iso8601: true }],
  ["RFICDTC", "Date/Time of Informed Consent", "char", "Exp", "Collected", { iso8601: true }],
  ["RFPENDTC", "Date/Time of End of Participation", "char", "Exp", "Derived", { iso8601: true }],
  ["DTHDTC", "Date/Time of Death", "char", "Exp", "Collected", { iso8601: true }],
  ["DTHFL", "Subject Death Flag", "char", "Exp", "Derived", { codelist: "NY" }],
  ["SITEID", "Study Site Identifier", "char", "Req", "Assigned"],
  ["BRTHDTC", "Date/Time of Birth", "char", "Perm", "Collected", { iso8601: true, comment: "year only" }],
  ["AGE", "Age", "num", "Exp", "Derived", { comment: "year of consent minus year of birth" }],
  ["AGEU", "Age Units", "char", "Exp", "Assigned", { codelist: "AGEU" }],
  ["SEX", "Sex", "char", "Req", "Collected", { codelist: "SEX" }],
  ["RACE", "Race", "char", "Exp", "Collected", { comment: "not collected by vein2vein" }],
  ["ARMCD", "Planned Arm Code", "char", "Exp", "Assigned", { comment: "arm and dose level codes" }],
  ["ARM", "Description of Planned Arm", "char", "Exp", "Assigned"],
  ["ACTARMCD", "Actual Arm Code", "char", "Exp", "Derived"],
  ["ACTARM", "Description of Actual Arm", "char", "Exp", "Derived"],
  ["ARMNRS", "Reason Arm and/or Actual Arm is Null", "char", "Exp", "Derived"],
  ["COUNTRY", "Country", "char", "Req", "Assigned", { comment: "ISO 3166-1 alpha-3" }],
]);

const TERMINAL = ["complete", "die", "withdraw", "lose-to-follow-up", "fail-screening", "stop-treatment"];

export function dmRow(
  study: StudySource,
  c: SubjectContext,
  exposure: { first: string | null; last: string | null },
): SdtmRow {
  const s = c.subject;
  const arm = study.arms.find((a) => a.code === s.armCode);
  const level = arm?.doseLevels.find((d) => d.code === s.doseLevelCode);
  const planned =
    arm && level ? { code: `${arm.code}-${level.code}`, name: `${arm.name}, ${level.label}` } : null;
  const infusion = s.journey.find((e) => e.type === "infuse");
  const death = s.journey.find((e) => e.type === "die");
  const end = s.journey.find((e) => TERMINAL.includes(e.type));
  const screenFailed = s.journey.some((e) => e.type === "fail-screening");
  return {
    STUDYID: c.studyId,
    DOMAIN: "DM",
    USUBJID: c.usubjid,
    SUBJID: s.subjectCode,
    RFSTDTC: infusion ? c.dtc(infusion.at) : null,
    RFENDTC: infusion ? c.dtc(infusion.at) : null,
    RFXSTDTC: exposure.first,
    RFXENDTC: exposure.last,
    RFICDTC: s.consentDate,
    RFPENDTC: end ? c.dtc(end.at) : null,
    DTHDTC: death ? c.dtc(death.at) : null,
    DTHFL: death ? "Y" : null,
    SITEID: s.siteCode,
    BRTHDTC: String(s.birthYear),
    AGE: Number(s.consentDate.slice(0, 4)) - s.birthYear,
    AGEU: "YEARS",
    SEX: SEX[s.sex] ?? "U",
    RACE: null,
    ARMCD: planned?.code ?? null,
    ARM: planned?.name ?? null,
    ACTARMCD: infusion && planned ? planned.code : null,
    ACTARM: infusion && planned ? planned.name : null,
    ARMNRS: planned
      ? infusion
        ? null
        : "ASSIGNED, NOT TREATED"
      : screenFailed
        ? "SCREEN FAILURE"
        : "NOT ASSIGNED",
    COUNTRY: s.country ? (COUNTRY_ALPHA3[s.country.toUpperCase()] ?? s.country.toUpperCase()) : null,
  };
}
