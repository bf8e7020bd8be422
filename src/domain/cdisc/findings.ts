/**
 * Findings-class domains from observations (SDTMIG 3.4 sections 6.3.5 LB and 6.3.13 VS): the
 * result as entered or imported (--ORRES/--ORRESU, before unit normalisation) and in standard
 * units (--STRESN/--STRESU: the canonical UCUM unit vein2vein stores, written as a CDISC unit).
 * Only LOINC codes with a test in terminology.ts are exported; the export reports the others.
 */
import type { SdtmRow, SdtmVariable, SourceObservation } from "./model.ts";
import { variables } from "./model.ts";
import type { SubjectContext } from "./subject-context.ts";
import { cdiscUnit, type FindingTest, LB_TESTS, VS_TESTS } from "./terminology.ts";

const byLoinc = (tests: readonly FindingTest[]) => new Map(tests.map((t) => [t.loinc, t]));
const LB = byLoinc(LB_TESTS);
const VS = byLoinc(VS_TESTS);

const finding = (p: "LB" | "VS", extra: Parameters<typeof variables>[0]) =>
  variables([
    ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
    ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
    ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
    [`${p}SEQ`, "Sequence Number", "num", "Req", "Derived"],
    [`${p}SPID`, "Sponsor-Defined Identifier", "char", "Perm", "Assigned", { comment: "observation id" }],
    ...extra,
  ]);

export const LB_VARIABLES: SdtmVariable[] = finding("LB", [
  ["LBTESTCD", "Lab Test or Examination Short Name", "char", "Req", "Assigned", { codelist: "LBTESTCD" }],
  ["LBTEST", "Lab Test or Examination Name", "char", "Req", "Assigned"],
  ["LBCAT", "Category for Lab Test", "char", "Exp", "Assigned"],
  ["LBORRES", "Result or Finding in Original Units", "char", "Exp", "Collected"],
  ["LBORRESU", "Original Units", "char", "Exp", "Collected", { codelist: "UNIT" }],
  ["LBSTRESC", "Character Result/Finding in Std Format", "char", "Exp", "Derived"],
  ["LBSTRESN", "Numeric Result/Finding in Standard Units", "num", "Exp", "Derived"],
  ["LBSTRESU", "Standard Units", "char", "Exp", "Derived", { codelist: "UNIT" }],
  ["LBSPEC", "Specimen Type", "char", "Perm", "Assigned"],
  ["LBLOINC", "LOINC Code", "char", "Perm", "Collected"],
  ["LBDTC", "Date/Time of Specimen Collection", "char", "Exp", "Collected", { iso8601: true }],
  ["LBDY", "Study Day of Specimen Collection", "num", "Perm", "Derived"],
]);

export const VS_VARIABLES: SdtmVariable[] = finding("VS", [
  ["VSTESTCD", "Vital Signs Test Short Name", "char", "Req", "Assigned", { codelist: "VSTESTCD" }],
  ["VSTEST", "Vital Signs Test Name", "char", "Req", "Assigned"],
  ["VSORRES", "Result or Finding in Original Units", "char", "Exp", "Collected"],
  ["VSORRESU", "Original Units", "char", "Exp", "Collected", { codelist: "UNIT" }],
  ["VSSTRESC", "Character Result/Finding in Std Format", "char", "Exp", "Derived"],
  ["VSSTRESN", "Numeric Result/Finding in Standard Units", "num", "Exp", "Derived"],
  ["VSSTRESU", "Standard Units", "char", "Exp", "Derived", { codelist: "UNIT" }],
  ["VSLOINC", "LOINC Code", "char", "Perm", "Collected"],
  ["VSDTC", "Date/Time of Measurements", "char", "Exp", "Collected", { iso8601: true }],
  ["VSDY", "Study Day of Vital Signs", "num", "Perm", "Derived"],
]);

/** A number as text without float noise: 12 significant digits, trailing zeros dropped. */
export function numberText(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function results(o: SourceObservation) {
  const coded = o.valueCode ?? o.valueText;
  const original = o.originalValue ?? o.valueNumber;
  return {
    orres: original !== null ? numberText(original) : (coded?.toUpperCase() ?? null),
    orresu: cdiscUnit(o.originalValue !== null ? (o.originalUnit ?? o.unit) : o.unit),
    stresc: o.valueNumber !== null ? numberText(o.valueNumber) : (coded?.toUpperCase() ?? null),
    stresn: o.valueNumber,
    stresu: o.valueNumber !== null ? cdiscUnit(o.unit) : null,
  };
}

const ordered = (list: SourceObservation[]) =>
  [...list].sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime() || a.id.localeCompare(b.id));

export function lbRows(c: SubjectContext): SdtmRow[] {
  return ordered(c.subject.observations.filter((o) => LB.has(o.code))).map((o) => {
    const t = LB.get(o.code)!;
    const r = results(o);
    const dtc = c.dtc(o.effectiveAt);
    return {
      STUDYID: c.studyId,
      DOMAIN: "LB",
      USUBJID: c.usubjid,
      LBSPID: o.id,
      LBTESTCD: t.testcd,
      LBTEST: t.test,
      LBCAT: t.category ?? null,
      LBORRES: r.orres,
      LBORRESU: r.orresu,
      LBSTRESC: r.stresc,
      LBSTRESN: r.stresn,
      LBSTRESU: r.stresu,
      LBSPEC: t.specimen ?? null,
      LBLOINC: o.code,
      LBDTC: dtc,
      LBDY: c.dy(dtc),
    };
  });
}

export function vsRows(c: SubjectContext): SdtmRow[] {
  return ordered(c.subject.observations.filter((o) => VS.has(o.code))).map((o) => {
    const t = VS.get(o.code)!;
    const r = results(o);
    const dtc = c.dtc(o.effectiveAt);
    return {
      STUDYID: c.studyId,
      DOMAIN: "VS",
      USUBJID: c.usubjid,
      VSSPID: o.id,
      VSTESTCD: t.testcd,
      VSTEST: t.test,
      VSORRES: r.orres,
      VSORRESU: r.orresu,
      VSSTRESC: r.stresc,
      VSSTRESN: r.stresn,
      VSSTRESU: r.stresu,
      VSLOINC: o.code,
      VSDTC: dtc,
      VSDY: c.dy(dtc),
    };
  });
}

/** LOINC codes of findings no domain takes (the export lists them rather than drop them silently). */
export function unmappedCodes(observations: SourceObservation[], alsoMapped: string[]): string[] {
  return [
    ...new Set(
      observations
        .map((o) => o.code)
        .filter((code) => !LB.has(code) && !VS.has(code) && !alsoMapped.includes(code)),
    ),
  ].sort();
}
