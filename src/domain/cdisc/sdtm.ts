/**
 * The SDTM datasets of one study, built from its record (StudySource): DM, AE, CM, DS, EX, LB, MH,
 * RS, TR, TU, VS, in the order SDTMIG 3.4 lists classes (special purpose, interventions, events,
 * findings). A dataset with no records is left out, as FDA's Technical Conformance Guide asks;
 * a permissible variable with no value in any record is left out too (SDTMIG 3.4 section 4.1.5).
 * Each dataset's records are sorted by USUBJID and then the domain's own order, and --SEQ numbers
 * them per subject.
 */

import { DM_VARIABLES, dmRow } from "./demographics.ts";
import { AE_VARIABLES, aeRows, DS_VARIABLES, dsRows, MH_VARIABLES, mhRows } from "./events.ts";
import { LB_VARIABLES, lbRows, unmappedCodes, VS_VARIABLES, vsRows } from "./findings.ts";
import { CM_VARIABLES, cmRows, EX_VARIABLES, exRows } from "./interventions.ts";
import type { SdtmDataset, SdtmRow, SdtmVariable, StudySource } from "./model.ts";
import { RS_VARIABLES, rsRows, TR_VARIABLES, TU_VARIABLES, tuTrRows } from "./oncology.ts";
import { subjectContext } from "./subject-context.ts";
import { ECOG_LOINC } from "./terminology.ts";
import { asciiText } from "./xpt.ts";

/** SAS V5 character values hold at most 200 bytes (TS-140). */
export const MAX_TEXT = 200;

interface DomainSpec {
  name: string;
  label: string;
  class: string;
  structure: string;
  keys: string[];
  variables: SdtmVariable[];
}

const SPECS: DomainSpec[] = [
  {
    name: "DM",
    label: "Demographics",
    class: "SPECIAL PURPOSE",
    structure: "One record per subject",
    keys: ["STUDYID", "USUBJID"],
    variables: DM_VARIABLES,
  },
  {
    name: "CM",
    label: "Concomitant/Prior Medications",
    class: "INTERVENTIONS",
    structure: "One record per recorded intervention per subject",
    keys: ["STUDYID", "USUBJID", "CMTRT", "CMSTDTC"],
    variables: CM_VARIABLES,
  },
  {
    name: "EX",
    label: "Exposure",
    class: "INTERVENTIONS",
    structure: "One record per constant dosing interval per subject",
    keys: ["STUDYID", "USUBJID", "EXTRT", "EXSTDTC"],
    variables: EX_VARIABLES,
  },
  {
    name: "AE",
    label: "Adverse Events",
    class: "EVENTS",
    structure: "One record per adverse event per subject",
    keys: ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"],
    variables: AE_VARIABLES,
  },
  {
    name: "DS",
    label: "Disposition",
    class: "EVENTS",
    structure: "One record per disposition status or protocol milestone per subject",
    keys: ["STUDYID", "USUBJID", "DSDECOD", "DSSTDTC"],
    variables: DS_VARIABLES,
  },
  {
    name: "MH",
    label: "Medical History",
    class: "EVENTS",
    structure: "One record per medical history event per subject",
    keys: ["STUDYID", "USUBJID", "MHTERM", "MHSTDTC"],
    variables: MH_VARIABLES,
  },
  {
    name: "LB",
    label: "Laboratory Test Results",
    class: "FINDINGS",
    structure: "One record per lab test per time point per subject",
    keys: ["STUDYID", "USUBJID", "LBTESTCD", "LBDTC"],
    variables: LB_VARIABLES,
  },
  {
    name: "RS",
    label: "Disease Response and Clin Classification",
    class: "FINDINGS",
    structure:
      "One record per response assessment or clinical classification assessment per time point per subject",
    keys: ["STUDYID", "USUBJID", "RSTESTCD", "RSDTC"],
    variables: RS_VARIABLES,
  },
  {
    name: "TR",
    label: "Tumor/Lesion Results",
    class: "FINDINGS",
    structure: "One record per tumor measurement/assessment per visit per subject",
    keys: ["STUDYID", "USUBJID", "TRLNKID", "TRTESTCD", "TRDTC"],
    variables: TR_VARIABLES,
  },
  {
    name: "TU",
    label: "Tumor/Lesion Identification",
    class: "FINDINGS",
    structure: "One record per identified tumor per subject",
    keys: ["STUDYID", "USUBJID", "TULNKID"],
    variables: TU_VARIABLES,
  },
  {
    name: "VS",
    label: "Vital Signs",
    class: "FINDINGS",
    structure: "One record per vital sign measurement per time point per subject",
    keys: ["STUDYID", "USUBJID", "VSTESTCD", "VSDTC"],
    variables: VS_VARIABLES,
  },
];

export interface SdtmExport {
  datasets: SdtmDataset[];
  /** what was recorded but not exported, in words (e.g. LOINC codes no domain takes) */
  notes: string[];
}

export function sdtmDatasets(study: StudySource): SdtmExport {
  const rows = new Map<string, SdtmRow[]>(SPECS.map((s) => [s.name, []]));
  const add = (name: string, list: SdtmRow[]) => {
    // --SEQ per subject and domain, in the domain's record order.
    list.forEach((r, i) => {
      r[`${name}SEQ`] = i + 1;
    });
    rows.get(name)!.push(...list);
  };
  const subjects = [...study.subjects].sort((a, b) => a.subjectCode.localeCompare(b.subjectCode));
  for (const subject of subjects) {
    const c = subjectContext(study, subject);
    const ex = exRows(study, c);
    const exDates = ex.map((r) => String(r.EXSTDTC)).sort();
    rows.get("DM")!.push(dmRow(study, c, { first: exDates[0] ?? null, last: exDates.at(-1) ?? null }));
    add("CM", cmRows(c));
    add("EX", ex);
    add("AE", aeRows(c));
    add("DS", dsRows(c));
    add("MH", mhRows(c));
    add("LB", lbRows(c));
    add("RS", rsRows(c));
    const { tu, tr } = tuTrRows(c);
    add("TR", tr);
    add("TU", tu);
    add("VS", vsRows(c));
  }
  const unmapped = unmappedCodes(
    study.subjects.flatMap((s) => s.observations),
    [ECOG_LOINC],
  );
  const notes = unmapped.length
    ? [`Observations under LOINC ${unmapped.join(", ")} have no SDTM test mapping and are not exported.`]
    : [];
  const datasets = SPECS.filter((s) => rows.get(s.name)!.length > 0).map((s) => {
    const list = rows.get(s.name)!.map((r) => clip(r));
    const used = s.variables.filter(
      (v) => v.core !== "Perm" || list.some((r) => r[v.name] !== null && r[v.name] !== undefined),
    );
    return {
      name: s.name,
      label: s.label,
      class: s.class,
      structure: s.structure,
      keys: s.keys,
      variables: used,
      rows: list.map((r) => Object.fromEntries(used.map((v) => [v.name, r[v.name] ?? null]))),
    };
  });
  return { datasets, notes };
}

/**
 * Text as the transport file can hold it, so the CSV, the XPT and the Define-XML say the same:
 * ASCII (xpt.ts asciiText) and at most 200 characters, a longer text ending in "...".
 */
function clip(row: SdtmRow): SdtmRow {
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== "string") continue;
    const ascii = asciiText(v);
    row[k] = ascii.length > MAX_TEXT ? `${ascii.slice(0, MAX_TEXT - 3)}...` : ascii;
  }
  return row;
}

/** The length a character variable needs: its longest value (at least 1), as FDA asks (TCG 4.1.5). */
export function variableLength(dataset: SdtmDataset, v: SdtmVariable): number {
  if (v.type === "num") return 8;
  let longest = 1;
  for (const r of dataset.rows) {
    const value = r[v.name];
    if (typeof value === "string") longest = Math.max(longest, value.length);
  }
  return Math.min(longest, MAX_TEXT);
}
