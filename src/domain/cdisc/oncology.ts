/**
 * Response and lesions (SDTMIG 3.4 sections 6.3.13 RS, 6.3.14 TU, 6.3.15 TR) from the stored Lugano
 * 2014 assessments (Cheson 2014; calculators/lymphoma-response): each assessment's overall
 * response is an RS record, each lesion it names a TU record (the first time it is seen) and its
 * measurements TR records: longest diameter and perpendicular for CT, the Deauville score for
 * PET-CT, and the sum of the products of the diameters (SPD) per CT assessment, as the calculator
 * stored them (its result is the one home of the Lugano measurement rules). ECOG performance
 * status is a clinical classification, which SDTMIG 3.4 also places in RS.
 */

import { numberText } from "./findings.ts";
import type { SdtmRow, SdtmVariable, SourceAssessment } from "./model.ts";
import { variables } from "./model.ts";
import type { SubjectContext } from "./subject-context.ts";
import { ECOG_LOINC } from "./terminology.ts";

const LUGANO = {
  "lugano-ct": { method: "CT SCAN", scat: "CT-BASED" },
  "lugano-pet": { method: "PET/CT SCAN", scat: "PET-CT-BASED" },
} as const;
type LuganoCalculator = keyof typeof LUGANO;
const isLugano = (a: SourceAssessment): a is SourceAssessment & { calculator: LuganoCalculator } =>
  a.calculator in LUGANO;

export const RS_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["RSSEQ", "Sequence Number", "num", "Req", "Derived"],
  ["RSTESTCD", "Assessment Short Name", "char", "Req", "Assigned", { codelist: "RSTESTCD" }],
  ["RSTEST", "Assessment Name", "char", "Req", "Assigned"],
  ["RSCAT", "Category for Assessment", "char", "Exp", "Assigned"],
  ["RSSCAT", "Subcategory for Assessment", "char", "Perm", "Assigned"],
  [
    "RSORRES",
    "Result or Finding in Original Units",
    "char",
    "Exp",
    "Derived",
    { comment: "Lugano 2014 response computed by vein2vein's calculator from the recorded reading" },
  ],
  ["RSSTRESC", "Character Result/Finding in Std Format", "char", "Exp", "Derived"],
  ["RSSTRESN", "Numeric Result/Finding in Standard Units", "num", "Perm", "Derived"],
  ["RSEVAL", "Evaluator", "char", "Exp", "Assigned"],
  ["RSDTC", "Date/Time of Assessment", "char", "Exp", "Collected", { iso8601: true }],
  ["RSDY", "Study Day of Assessment", "num", "Perm", "Derived"],
]);

const resultValue = (a: SourceAssessment) => (a.result as { value?: unknown } | null)?.value;

export function rsRows(c: SubjectContext): SdtmRow[] {
  const rows: SdtmRow[] = [];
  for (const a of c.subject.assessments.filter(isLugano)) {
    const value = resultValue(a);
    if (typeof value !== "string") continue;
    const dtc = c.dtc(a.assessedAt);
    rows.push({
      STUDYID: c.studyId,
      DOMAIN: "RS",
      USUBJID: c.usubjid,
      RSTESTCD: "OVRLRESP",
      RSTEST: "Overall Response",
      RSCAT: "LUGANO CLASSIFICATION 2014",
      RSSCAT: LUGANO[a.calculator].scat,
      RSORRES: value,
      RSSTRESC: value,
      RSSTRESN: null,
      RSEVAL: "INVESTIGATOR",
      RSDTC: dtc,
      RSDY: c.dy(dtc),
    });
  }
  for (const o of c.subject.observations.filter((x) => x.code === ECOG_LOINC && x.valueNumber !== null)) {
    const dtc = c.dtc(o.effectiveAt);
    rows.push({
      STUDYID: c.studyId,
      DOMAIN: "RS",
      USUBJID: c.usubjid,
      RSTESTCD: "ECOG101",
      RSTEST: "ECOG1-Performance Status",
      RSCAT: "ECOG",
      RSSCAT: null,
      RSORRES: numberText(o.valueNumber!),
      RSSTRESC: numberText(o.valueNumber!),
      RSSTRESN: o.valueNumber,
      RSEVAL: "INVESTIGATOR",
      RSDTC: dtc,
      RSDY: c.dy(dtc),
    });
  }
  return rows.sort((a, b) => String(a.RSDTC).localeCompare(String(b.RSDTC)));
}

export const TU_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["TUSEQ", "Sequence Number", "num", "Req", "Derived"],
  [
    "TULNKID",
    "Link ID",
    "char",
    "Exp",
    "Derived",
    { comment: "L01, L02, … per subject, in the order first seen" },
  ],
  ["TUTESTCD", "Tumor/Lesion ID Short Name", "char", "Req", "Assigned", { codelist: "TUTESTCD" }],
  ["TUTEST", "Tumor/Lesion ID Test Name", "char", "Req", "Assigned"],
  ["TUORRES", "Tumor/Lesion ID Result", "char", "Exp", "Collected"],
  ["TUSTRESC", "Tumor/Lesion ID Result Std. Format", "char", "Exp", "Derived"],
  [
    "TULOC",
    "Location of the Tumor/Lesion",
    "char",
    "Exp",
    "Collected",
    { comment: "The site label as recorded (free text, not the LOC codelist)" },
  ],
  ["TUMETHOD", "Method of Identification", "char", "Exp", "Collected"],
  ["TUDTC", "Date/Time of Tumor/Lesion Identification", "char", "Exp", "Collected", { iso8601: true }],
  ["TUDY", "Study Day of Tumor/Lesion Identification", "num", "Perm", "Derived"],
]);

export const TR_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["TRSEQ", "Sequence Number", "num", "Req", "Derived"],
  [
    "TRGRPID",
    "Group ID",
    "char",
    "Perm",
    "Derived",
    { comment: "the assessment (its id) the results belong to" },
  ],
  ["TRLNKID", "Link ID", "char", "Exp", "Derived"],
  ["TRTESTCD", "Tumor/Lesion Assessment Short Name", "char", "Req", "Assigned", { codelist: "TRTESTCD" }],
  ["TRTEST", "Tumor/Lesion Assessment Test Name", "char", "Req", "Assigned"],
  ["TRORRES", "Result or Finding in Original Units", "char", "Exp", "Collected"],
  ["TRORRESU", "Original Units", "char", "Exp", "Collected", { codelist: "UNIT" }],
  ["TRSTRESC", "Character Result/Finding in Std Format", "char", "Exp", "Derived"],
  ["TRSTRESN", "Numeric Result/Finding in Standard Units", "num", "Exp", "Derived"],
  ["TRSTRESU", "Standard Units", "char", "Exp", "Derived", { codelist: "UNIT" }],
  ["TRMETHOD", "Method used to Identify the Tumor/Lesion", "char", "Exp", "Collected"],
  ["TRDTC", "Date/Time of Tumor/Lesion Measurement", "char", "Exp", "Collected", { iso8601: true }],
  ["TRDY", "Study Day of Tumor/Lesion Measurement", "num", "Perm", "Derived"],
]);

interface Lesion {
  label: string;
  role: "TARGET" | "NEW" | "EVALUATED SITE";
  ldiMm?: number;
  sdiMm?: number;
  deauville?: number | string;
}

interface Read {
  a: SourceAssessment & { calculator: LuganoCalculator };
  lesions: Lesion[];
  spdMm2: number | null;
}

const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
const text = (x: unknown) => (typeof x === "string" && x.trim() ? x.trim() : undefined);

/** The lesions one stored Lugano assessment names, with what was measured on each. */
function lesionsOf(a: SourceAssessment & { calculator: LuganoCalculator }): Read {
  const inputs = (a.inputs ?? {}) as Record<string, unknown>;
  const details = ((a.result as { details?: unknown } | null)?.details ?? {}) as Record<string, unknown>;
  const list = (x: unknown) => (Array.isArray(x) ? (x as Record<string, unknown>[]) : []);
  const label = (l: Record<string, unknown>, fallback: string) => text(l.site) ?? fallback;
  if (a.calculator === "lugano-pet")
    return {
      a,
      spdMm2: null,
      lesions: list(inputs.sites).map((s, i) => ({
        label: label(s, `${String(s.kind ?? "site").toLowerCase()} site ${i + 1}`),
        role: "EVALUATED SITE",
        deauville:
          typeof s.deauvilleScore === "number" || typeof s.deauvilleScore === "string"
            ? s.deauvilleScore
            : undefined,
      })),
    };
  // CT: the calculator's effective diameters (not visible 0 × 0, too small 5 × 5 mm) as stored.
  const measured = list(details.lesions);
  return {
    a,
    spdMm2: num(details.spdMm2) ?? null,
    lesions: [
      ...list(inputs.targetLesions).map(
        (l, i): Lesion => ({
          label: label(l, `target lesion ${i + 1}`),
          role: "TARGET",
          ldiMm: num(measured[i]?.ldiMm) ?? num(l.ldiMm),
          sdiMm: num(measured[i]?.sdiMm) ?? num(l.sdiMm),
        }),
      ),
      ...list(inputs.newLesions).map(
        (l, i): Lesion => ({
          label: label(l, `new lesion ${i + 1}`),
          role: "NEW",
          ldiMm: num(l.longestAxisMm),
        }),
      ),
    ],
  };
}

export function tuTrRows(c: SubjectContext): { tu: SdtmRow[]; tr: SdtmRow[] } {
  const tu: SdtmRow[] = [];
  const tr: SdtmRow[] = [];
  const ids = new Map<string, string>();
  const reads = c.subject.assessments
    .filter(isLugano)
    .sort((x, y) => x.assessedAt.getTime() - y.assessedAt.getTime())
    .map(lesionsOf);
  for (const { a, lesions, spdMm2 } of reads) {
    const dtc = c.dtc(a.assessedAt);
    const method = LUGANO[a.calculator].method;
    const base = { STUDYID: c.studyId, USUBJID: c.usubjid };
    const result = (
      link: string | null,
      testcd: string,
      test: string,
      value: string | number,
      unit: string | null,
    ): SdtmRow => ({
      ...base,
      DOMAIN: "TR",
      TRGRPID: a.id,
      TRLNKID: link,
      TRTESTCD: testcd,
      TRTEST: test,
      TRORRES: typeof value === "number" ? numberText(value) : value,
      TRORRESU: unit,
      TRSTRESC: typeof value === "number" ? numberText(value) : value,
      TRSTRESN: typeof value === "number" ? value : null,
      TRSTRESU: unit,
      TRMETHOD: method,
      TRDTC: dtc,
      TRDY: c.dy(dtc),
    });
    for (const l of lesions) {
      const key = l.label.toLowerCase();
      let link = ids.get(key);
      if (!link) {
        link = `L${String(ids.size + 1).padStart(2, "0")}`;
        ids.set(key, link);
        tu.push({
          ...base,
          DOMAIN: "TU",
          TULNKID: link,
          TUTESTCD: "TUMIDENT",
          TUTEST: "Tumor Identification",
          TUORRES: l.role,
          TUSTRESC: l.role,
          TULOC: l.label.toUpperCase(),
          TUMETHOD: method,
          TUDTC: dtc,
          TUDY: c.dy(dtc),
        });
      }
      if (l.ldiMm !== undefined) tr.push(result(link, "LDIAM", "Longest Diameter", l.ldiMm, "mm"));
      if (l.sdiMm !== undefined) tr.push(result(link, "LPERP", "Longest Perpendicular", l.sdiMm, "mm"));
      if (l.deauville !== undefined)
        tr.push(result(link, "DEAUVSCR", "Deauville Five-Point Scale Score", l.deauville, null));
    }
    if (spdMm2 !== null) tr.push(result(null, "SPD", "Sum of Products of Diameters", spdMm2, "mm2"));
  }
  return { tu, tr };
}
