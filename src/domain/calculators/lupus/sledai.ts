/**
 * SLEDAI-2K: the 24 weighted descriptors (Gladman 2002, Table 1; weights unchanged from the
 * original SLEDAI, Bombardier 1992). Each descriptor present and attributable to SLE in the
 * scoring window adds its weight once; total 0–105 (8 × 8 + 6 × 4 + 7 × 2 + 3 × 1). The clinical
 * SLEDAI-2K (cSLEDAI, used by DORIS 2021) leaves out the two serological descriptors.
 */
import { z } from "zod";
import { reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { GLADMAN_2002 } from "./sources.ts";

/** The organ system of a descriptor, as LLDAS (Franklyn 2016) names the "major organ systems". */
export type SledaiSystem =
  | "CNS"
  | "vasculitis"
  | "musculoskeletal"
  | "renal"
  | "mucocutaneous"
  | "cardiopulmonary"
  | "serology"
  | "fever"
  | "haematological";

/** The 24 descriptor keys, in the order of Gladman 2002, Table 1. */
export const SLEDAI_2K_KEYS = [
  "seizure",
  "psychosis",
  "organicBrainSyndrome",
  "visualDisturbance",
  "cranialNerveDisorder",
  "lupusHeadache",
  "cva",
  "vasculitis",
  "arthritis",
  "myositis",
  "urinaryCasts",
  "hematuria",
  "proteinuria",
  "pyuria",
  "rash",
  "alopecia",
  "mucosalUlcers",
  "pleurisy",
  "pericarditis",
  "lowComplement",
  "increasedDnaBinding",
  "fever",
  "thrombocytopenia",
  "leukopenia",
] as const;
export type SledaiKey = (typeof SLEDAI_2K_KEYS)[number];

export interface SledaiDescriptor {
  /** descriptor number in Gladman 2002, Table 1 (1–24) */
  no: number;
  key: SledaiKey;
  label: string;
  /** weight, Gladman 2002 Table 1 */
  weight: 8 | 4 | 2 | 1;
  system: SledaiSystem;
  /** paraphrase of the Gladman 2002 glossary definition */
  definition: string;
}

// Weights and definitions: Gladman DD et al., J Rheumatol 2002;29:288–291, Table 1 (SLEDAI-2K),
// checked against the reproductions the notes cite (medicalcriteria.com/web/reusledai/; ARD 2019
// index table). The four items changed by "2K" (rash, alopecia, mucosal ulcers, proteinuria) score
// when present, whether new, recurrent or persistent.
export const SLEDAI_2K_DESCRIPTORS: readonly SledaiDescriptor[] = [
  {
    no: 1,
    key: "seizure",
    label: "Seizure",
    weight: 8,
    system: "CNS",
    definition: "recent onset; metabolic, infectious or drug causes excluded",
  },
  {
    no: 2,
    key: "psychosis",
    label: "Psychosis",
    weight: 8,
    system: "CNS",
    definition:
      "severe disturbance in the perception of reality impairing normal function; uraemia and drugs excluded",
  },
  {
    no: 3,
    key: "organicBrainSyndrome",
    label: "Organic brain syndrome",
    weight: 8,
    system: "CNS",
    definition:
      "rapid-onset, fluctuating impairment of orientation, memory or other intellectual function with clouded consciousness plus ≥ 2 supporting features; metabolic, infectious or drug causes excluded",
  },
  {
    no: 4,
    key: "visualDisturbance",
    label: "Visual disturbance",
    weight: 8,
    system: "CNS",
    definition:
      "retinal changes of SLE (cytoid bodies, retinal haemorrhages, serous exudate or haemorrhage in the choroid, optic neuritis); hypertension, infection, drugs excluded",
  },
  {
    no: 5,
    key: "cranialNerveDisorder",
    label: "Cranial nerve disorder",
    weight: 8,
    system: "CNS",
    definition: "new onset of sensory or motor neuropathy involving cranial nerves",
  },
  {
    no: 6,
    key: "lupusHeadache",
    label: "Lupus headache",
    weight: 8,
    system: "CNS",
    definition: "severe, persistent headache, may be migrainous, not responding to narcotic analgesia",
  },
  {
    no: 7,
    key: "cva",
    label: "CVA",
    weight: 8,
    system: "CNS",
    definition: "new cerebrovascular accident; arteriosclerosis excluded",
  },
  {
    no: 8,
    key: "vasculitis",
    label: "Vasculitis",
    weight: 8,
    system: "vasculitis",
    definition:
      "ulceration, gangrene, tender finger nodules, periungual infarction, splinter haemorrhages, or biopsy/angiogram proof of vasculitis",
  },
  {
    no: 9,
    key: "arthritis",
    label: "Arthritis",
    weight: 4,
    system: "musculoskeletal",
    definition:
      "joints with pain and signs of inflammation (tenderness, swelling or effusion); '> 2 joints' in the glossary reproductions, '≥ 2' in the reference notes",
  },
  {
    no: 10,
    key: "myositis",
    label: "Myositis",
    weight: 4,
    system: "musculoskeletal",
    definition:
      "proximal muscle aching or weakness with raised CK/aldolase, EMG changes or biopsy showing myositis",
  },
  {
    no: 11,
    key: "urinaryCasts",
    label: "Urinary casts",
    weight: 4,
    system: "renal",
    definition: "haem-granular or red-cell casts",
  },
  {
    no: 12,
    key: "hematuria",
    label: "Haematuria",
    weight: 4,
    system: "renal",
    definition: "> 5 RBC per high-power field; stones, infection and other causes excluded",
  },
  {
    no: 13,
    key: "proteinuria",
    label: "Proteinuria",
    weight: 4,
    system: "renal",
    definition: "> 0.5 g/24 h (new, recurrent or persistent)",
  },
  {
    no: 14,
    key: "pyuria",
    label: "Pyuria",
    weight: 4,
    system: "renal",
    definition: "> 5 WBC per high-power field; infection excluded",
  },
  {
    no: 15,
    key: "rash",
    label: "Rash",
    weight: 2,
    system: "mucocutaneous",
    definition: "inflammatory-type rash (new, recurrent or persistent)",
  },
  {
    no: 16,
    key: "alopecia",
    label: "Alopecia",
    weight: 2,
    system: "mucocutaneous",
    definition: "abnormal patchy or diffuse loss of hair (new, recurrent or persistent)",
  },
  {
    no: 17,
    key: "mucosalUlcers",
    label: "Mucosal ulcers",
    weight: 2,
    system: "mucocutaneous",
    definition: "oral or nasal ulcerations (new, recurrent or persistent)",
  },
  {
    no: 18,
    key: "pleurisy",
    label: "Pleurisy",
    weight: 2,
    system: "cardiopulmonary",
    definition: "pleuritic chest pain with pleural rub, effusion or pleural thickening",
  },
  {
    no: 19,
    key: "pericarditis",
    label: "Pericarditis",
    weight: 2,
    system: "cardiopulmonary",
    definition: "pericardial pain with ≥ 1 of rub, effusion, or ECG/echo confirmation",
  },
  {
    no: 20,
    key: "lowComplement",
    label: "Low complement",
    weight: 2,
    system: "serology",
    definition: "CH50, C3 or C4 below the laboratory's normal range",
  },
  {
    no: 21,
    key: "increasedDnaBinding",
    label: "Increased DNA binding",
    weight: 2,
    system: "serology",
    definition: "anti-dsDNA above the laboratory's normal range",
  },
  {
    no: 22,
    key: "fever",
    label: "Fever",
    weight: 1,
    system: "fever",
    definition: "> 38 °C; infection excluded",
  },
  {
    no: 23,
    key: "thrombocytopenia",
    label: "Thrombocytopenia",
    weight: 1,
    system: "haematological",
    definition: "< 100 × 10⁹/L; drug causes excluded",
  },
  {
    no: 24,
    key: "leukopenia",
    label: "Leukopenia",
    weight: 1,
    system: "haematological",
    definition: "< 3 × 10⁹/L; drug causes excluded",
  },
];

/** The two serological descriptors the clinical SLEDAI-2K leaves out (DORIS 2021). */
export const SEROLOGY_KEYS: readonly SledaiKey[] = ["lowComplement", "increasedDnaBinding"];

export const SLEDAI_2K_MAX = SLEDAI_2K_DESCRIPTORS.reduce((s, d) => s + d.weight, 0); // 105

const itemShape = Object.fromEntries(
  SLEDAI_2K_DESCRIPTORS.map((d) => [
    d.key,
    z
      .boolean()
      .describe(
        `SLEDAI-2K descriptor ${d.no} (${d.label}, weight ${d.weight}): ${d.definition}. ` +
          "true if present in the scoring window and attributable to SLE",
      )
      // The web form words the descriptor's definition from its catalogues under help.sledai2k.*,
      // the same wherever SLEDAI-2K is asked (SLEDAI-2K, DORIS, LLDAS); a field of the same name
      // in another score (EULAR/ACR's fever is > 38.3 °C) keeps its own.
      .meta({ "x-helpKey": `sledai2k.${d.key}` }),
  ]),
) as Record<SledaiKey, z.ZodBoolean>;

/** All 24 descriptors, each a required boolean (no silent "absent"). */
export const Sledai2kItems = z
  .strictObject(itemShape)
  .describe("SLEDAI-2K descriptors (Gladman 2002): all 24 as booleans, true if present and due to SLE");
export type Sledai2kItems = Record<SledaiKey, boolean>;

export interface SledaiScore {
  total: number;
  clinical: number;
  present: SledaiDescriptor[];
}

export function scoreSledai2k(items: Sledai2kItems): SledaiScore {
  const present = SLEDAI_2K_DESCRIPTORS.filter((d) => items[d.key] === true);
  const total = present.reduce((s, d) => s + d.weight, 0);
  const serology = present.filter((d) => SEROLOGY_KEYS.includes(d.key)).reduce((s, d) => s + d.weight, 0);
  return { total, clinical: total - serology, present };
}

const Sledai2kInput = Sledai2kItems.extend({
  windowDays: z
    .number()
    .int()
    .min(1)
    .max(30)
    .optional()
    .describe(
      "Scoring window in days before and including the visit, as the protocol sets it (original 10 days; " +
        "30 days validated by Touma 2011). Recorded with the result; it does not change the arithmetic",
    ),
});

const byKey = (text: (d: SledaiDescriptor) => string) =>
  Object.fromEntries(SLEDAI_2K_DESCRIPTORS.map((d) => [d.key, text(d)]));

/**
 * The SLEDAI-2K descriptors as the lupus reasons quote them (decision 0041), one term group per way
 * of quoting: "Lupus headache", "Lupus headache (8)", "Lupus headache (CNS)": by the descriptor's
 * name, never its field code (issue 11).
 */
export const SLEDAI_TERMS = {
  sledaiDescriptor: byKey((d) => d.label),
  sledaiWeighted: byKey((d) => `${d.label} (${d.weight})`),
  sledaiSystem: byKey((d) => `${d.label} (${d.system})`),
};
/** The present descriptors as `sledaiWeighted` terms ("Arthritis (4)"), for a list in a reason. */
export const weightedTerms = (present: SledaiDescriptor[]): string[] =>
  present.map((d) => `sledaiWeighted.${d.key}`);

/** The sentences of the SLEDAI-2K (decision 0041); the web catalogues word them under reasons.sledai.*. */
export const SLEDAI_REASONS = reasonFamily(
  "sledai",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.total": "SLEDAI-2K {{total}}",
    present: "{{descriptor, term}} present: +{{weight}} (SLEDAI-2K descriptor {{no}}, weight {{weight}}).",
    none: "No SLEDAI-2K descriptor present: total 0.",
    total:
      "Total {{total}} of {{max}}; clinical SLEDAI-2K {{clinical}} (total without low complement and " +
      "increased DNA binding).",
  },
  { sledaiDescriptor: SLEDAI_TERMS.sledaiDescriptor },
);

export const sledai2k = defineCalculator({
  name: "sledai-2k",
  title: "SLEDAI-2K (Systemic Lupus Erythematosus Disease Activity Index 2000)",
  source: GLADMAN_2002,
  ruleSet: "SLEDAI-2K (Gladman 2002)",
  ruleSetVersion: "1",
  input: Sledai2kInput,
  evaluate(input) {
    const { total, clinical, present } = scoreSledai2k(input);
    const R = SLEDAI_REASONS;
    const reasons = present.map((d) =>
      R.say("present", { descriptor: `sledaiDescriptor.${d.key}`, weight: d.weight, no: d.no }),
    );
    if (present.length === 0) reasons.push(R.say("none"));
    reasons.push(R.say("total", { total, max: SLEDAI_2K_MAX, clinical }));
    return {
      value: total,
      label: R.say("label.total", { total }),
      reasons,
      details: {
        clinicalSledai: clinical,
        serologyPoints: total - clinical,
        items: present.map((d) => ({ key: d.key, weight: d.weight })),
        ...(input.windowDays !== undefined ? { windowDays: input.windowDays } : {}),
      },
    };
  },
});
