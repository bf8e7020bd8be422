/**
 * 2019 EULAR/ACR classification criteria for SLE (Aringer 2019, Figure 1 and Table 1 definitions).
 * Entry criterion: ANA ≥ 1:80 on HEp-2 cells or an equivalent positive test, ever. Then additive
 * weighted criteria in 7 clinical and 3 immunological domains: a criterion counts only if nothing
 * more likely explains it (a clinician's judgement, entered as the boolean), occurrence once is
 * enough, they need not be simultaneous, and within each domain only the highest weight counts.
 * Classified as SLE with a total ≥ 10 and at least one clinical criterion.
 */
import { z } from "zod";
import { type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { ARINGER_2019 } from "./sources.ts";

/** Aringer 2019 entry criterion: ANA titre ≥ 1:80 (reciprocal 80). */
/** Domain keys that are not already a word, as the criteria name them. */
const EULAR_DOMAIN_WORDS: Record<string, string> = {
  antiphospholipidAntibodies: "antiphospholipid antibodies",
  sleSpecificAntibodies: "SLE-specific antibodies",
};

const ANA_MIN_RECIPROCAL_TITER = 80;
/** Aringer 2019: classify as SLE with ≥ 10 points (and ≥ 1 clinical criterion). */
const CLASSIFICATION_MIN_POINTS = 10;

interface Criterion {
  key: string;
  label: string;
  /** weight, Aringer 2019 Figure 1 */
  weight: number;
  /** definition, Aringer 2019 Table 1 (paraphrased) */
  definition: string;
}
interface Domain {
  name: string;
  kind: "clinical" | "immunological";
  criteria: Criterion[];
}

// Domains, criteria and weights: Aringer M et al., Ann Rheum Dis 2019;78:1151–1159, Figure 1;
// definitions from its Table 1.
const DOMAINS: readonly Domain[] = [
  {
    name: "constitutional",
    kind: "clinical",
    criteria: [{ key: "fever", label: "Fever", weight: 2, definition: "temperature > 38.3 °C" }],
  },
  {
    name: "hematologic",
    kind: "clinical",
    criteria: [
      { key: "leukopenia", label: "Leukopenia", weight: 3, definition: "white cells < 4.0 × 10⁹/L" },
      {
        key: "thrombocytopenia",
        label: "Thrombocytopenia",
        weight: 4,
        definition: "platelets < 100 × 10⁹/L",
      },
      {
        key: "autoimmuneHemolysis",
        label: "Autoimmune haemolysis",
        weight: 4,
        definition: "evidence of haemolysis and a positive direct antiglobulin (Coombs) test",
      },
    ],
  },
  {
    name: "neuropsychiatric",
    kind: "clinical",
    criteria: [
      {
        key: "delirium",
        label: "Delirium",
        weight: 2,
        definition:
          "acute fluctuating change in consciousness or arousal with cognitive or behavioural change",
      },
      {
        key: "psychosis",
        label: "Psychosis",
        weight: 3,
        definition: "delusions and/or hallucinations without insight, without delirium",
      },
      {
        key: "seizure",
        label: "Seizure",
        weight: 5,
        definition: "primary generalised or partial/focal seizure",
      },
    ],
  },
  {
    name: "mucocutaneous",
    kind: "clinical",
    criteria: [
      {
        key: "nonScarringAlopecia",
        label: "Non-scarring alopecia",
        weight: 2,
        definition: "observed by a clinician",
      },
      { key: "oralUlcers", label: "Oral ulcers", weight: 2, definition: "observed by a clinician" },
      {
        key: "subacuteCutaneousOrDiscoidLupus",
        label: "Subacute cutaneous or discoid lupus",
        weight: 4,
        definition: "observed by a clinician",
      },
      {
        key: "acuteCutaneousLupus",
        label: "Acute cutaneous lupus",
        weight: 6,
        definition: "malar or generalised maculopapular rash observed by a clinician",
      },
    ],
  },
  {
    name: "serosal",
    kind: "clinical",
    criteria: [
      {
        key: "pleuralOrPericardialEffusion",
        label: "Pleural or pericardial effusion",
        weight: 5,
        definition: "on imaging",
      },
      {
        key: "acutePericarditis",
        label: "Acute pericarditis",
        weight: 6,
        definition: "≥ 2 of pericardial chest pain, rub, ECG changes, new or worse effusion",
      },
    ],
  },
  {
    name: "musculoskeletal",
    kind: "clinical",
    criteria: [
      {
        key: "jointInvolvement",
        label: "Joint involvement",
        weight: 6,
        definition: "synovitis in ≥ 2 joints, or tenderness in ≥ 2 joints with ≥ 30 min morning stiffness",
      },
    ],
  },
  {
    name: "renal",
    kind: "clinical",
    criteria: [
      {
        key: "proteinuria",
        label: "Proteinuria",
        weight: 4,
        definition: "> 0.5 g/24 h (or equivalent spot protein/creatinine ratio)",
      },
      {
        key: "renalBiopsyClassIIorV",
        label: "Renal biopsy class II or V lupus nephritis",
        weight: 8,
        definition: "ISN/RPS 2003 class II or V",
      },
      {
        key: "renalBiopsyClassIIIorIV",
        label: "Renal biopsy class III or IV lupus nephritis",
        weight: 10,
        definition: "ISN/RPS 2003 class III or IV",
      },
    ],
  },
  {
    name: "antiphospholipidAntibodies",
    kind: "immunological",
    criteria: [
      {
        key: "antiphospholipidAntibodies",
        label: "Antiphospholipid antibodies",
        weight: 2,
        definition:
          "anticardiolipin (IgA, IgG or IgM > 40 APL/GPL/MPL or > 99th percentile) or anti-β2GP1 or lupus anticoagulant",
      },
    ],
  },
  // Complement: low C3 or low C4 = 3; low C3 and low C4 = 4 (computed from lowC3 and lowC4 below).
  { name: "complement", kind: "immunological", criteria: [] },
  {
    name: "sleSpecificAntibodies",
    kind: "immunological",
    criteria: [
      {
        key: "antiDsDna",
        label: "Anti-dsDNA antibody",
        weight: 6,
        definition: "in an immunoassay with ≥ 90 % specificity for SLE against relevant disease controls",
      },
      { key: "antiSmith", label: "Anti-Smith antibody", weight: 6, definition: "anti-Sm present" },
    ],
  },
];
/** Aringer 2019 Figure 1: complement domain weights. */
const LOW_C3_OR_C4 = 3;
const LOW_C3_AND_C4 = 4;

const COMPLEMENT = [
  { key: "lowC3AndLowC4", label: "Low C3 and low C4", weight: LOW_C3_AND_C4 },
  { key: "lowC3", label: "Low C3", weight: LOW_C3_OR_C4 },
  { key: "lowC4", label: "Low C4", weight: LOW_C3_OR_C4 },
] as const;

/**
 * The sentences of the EULAR/ACR 2019 classification (decision 0041); the web catalogues word them
 * under reasons.eularAcr.*. A criterion is quoted with its weight ("Fever (2)").
 */
export const EULAR_ACR_REASONS = reasonFamily(
  "eularAcr",
  {
    // The result's label, coded like the reasons (decision 0041).
    "label.sle": "SLE ({{total}} points)",
    "label.notSle": "Not SLE ({{total}} points)",
    "label.notClassifiable": "Not classifiable (ANA entry criterion not met)",
    "entry.titer": "Entry criterion met: {{ana, phrase}} (≥ 1:{{min}}).",
    "entry.equivalent": "Entry criterion met: {{ana, phrase}}, but an equivalent ANA test was positive.",
    "entry.notMet":
      "Entry criterion not met: {{ana, phrase}} (< 1:{{min}}) and no equivalent positive ANA test; do not classify.",
    domain: "{{domain, term}} ({{kind, term}}): {{counted, term}}.",
    domainIgnored:
      "{{domain, term}} ({{kind, term}}): {{counted, term}}; not added, lower in the same domain: " +
      "{{ignored, termlist}}.",
    total:
      "Total {{total}} points (clinical {{clinical}}, immunological {{immunological}}); SLE needs ≥ {{min}} with " +
      "≥ 1 clinical criterion.",
    noClinical: "No clinical criterion: not classified as SLE.",
    "phrase.ana.none": "no HEp-2 titre",
    "phrase.ana.negative": "HEp-2 ANA negative",
    "phrase.ana.titer": "HEp-2 ANA 1:{{titer}}",
  },
  {
    // The English quotes the domain and kind keys as given.
    // Aringer 2019's domain names in words, not the table's keys (issue 11).
    eularDomain: Object.fromEntries(DOMAINS.map((d) => [d.name, EULAR_DOMAIN_WORDS[d.name] ?? d.name])),
    eularKind: { clinical: "clinical", immunological: "immunological" },
    eularCriterion: Object.fromEntries(
      [...DOMAINS.flatMap((d) => d.criteria), ...COMPLEMENT].map((c) => [c.key, `${c.label} (${c.weight})`]),
    ),
  },
);

const CRITERIA = DOMAINS.flatMap((d) => d.criteria);

const criterionShape = Object.fromEntries(
  CRITERIA.map((c) => [
    c.key,
    z
      .boolean()
      .describe(
        `${c.label} (weight ${c.weight}): ${c.definition}. true if ever present and SLE is the most likely explanation`,
      ),
  ]),
) as Record<string, z.ZodBoolean>;

const EularAcrInput = z.strictObject({
  anaHep2TiterReciprocal: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .nullable()
    .describe(
      "Highest ANA titre ever on HEp-2 immunofluorescence as the reciprocal dilution (160 for 1:160; 0 if negative); " +
        "null if never tested by HEp-2 immunofluorescence",
    ),
  anaEquivalentPositiveTest: z
    .boolean()
    .describe(
      "An ANA test of at least equivalent performance (e.g. a solid-phase ANA screen) was ever positive",
    ),
  ...criterionShape,
  lowC3: z
    .boolean()
    .describe("Low C3 below the laboratory's lower limit of normal, ever (complement domain)"),
  lowC4: z
    .boolean()
    .describe("Low C4 below the laboratory's lower limit of normal, ever (complement domain)"),
});

export type EularAcrClass = "SLE" | "NOT_SLE" | "ENTRY_CRITERION_NOT_MET";

interface DomainResult {
  domain: string;
  kind: "clinical" | "immunological";
  points: number;
  /** "Fever (2)": the criterion that counts, with its weight (stored in details) */
  counted: string | null;
  /** its key, quoted as a term by the reasons */
  countedKey: string | undefined;
  /** the lower criteria met in the same domain, as terms ("eularCriterion.fever") */
  ignoredKeys: string[];
}

export const eularAcr2019 = defineCalculator({
  name: "eular-acr-2019",
  title: "2019 EULAR/ACR classification criteria for SLE",
  source: ARINGER_2019,
  ruleSet: "EULAR/ACR 2019 (Aringer et al.)",
  ruleSetVersion: "1",
  input: EularAcrInput,
  evaluate(v) {
    const input = v as unknown as Record<string, boolean>;
    const titer = v.anaHep2TiterReciprocal;
    const byTiter = titer !== null && titer >= ANA_MIN_RECIPROCAL_TITER;
    const entry = byTiter || v.anaEquivalentPositiveTest;

    const domains: DomainResult[] = DOMAINS.map((d) => {
      const met =
        d.name === "complement"
          ? v.lowC3 && v.lowC4
            ? [COMPLEMENT[0]]
            : v.lowC3 || v.lowC4
              ? [v.lowC3 ? COMPLEMENT[1] : COMPLEMENT[2]]
              : []
          : d.criteria.filter((c) => input[c.key] === true);
      // Only the highest-weighted criterion of a domain counts (Aringer 2019, Figure 1 footnote).
      const sorted = [...met].sort((a, b) => b.weight - a.weight);
      const top = sorted[0];
      return {
        domain: d.name,
        kind: d.kind,
        points: top?.weight ?? 0,
        counted: top ? `${top.label} (${top.weight})` : null,
        countedKey: top?.key,
        ignoredKeys: sorted.slice(1).map((c) => `eularCriterion.${c.key}`),
      };
    });
    const clinicalPoints = domains.filter((d) => d.kind === "clinical").reduce((s, d) => s + d.points, 0);
    const immunologicalPoints = domains
      .filter((d) => d.kind === "immunological")
      .reduce((s, d) => s + d.points, 0);
    const total = clinicalPoints + immunologicalPoints;
    const hasClinical = clinicalPoints > 0;

    const R = EULAR_ACR_REASONS;
    const ana =
      titer === null
        ? R.phrase("phrase.ana.none")
        : titer === 0
          ? R.phrase("phrase.ana.negative")
          : R.phrase("phrase.ana.titer", { titer });
    const min = ANA_MIN_RECIPROCAL_TITER;
    const reasons: ReasonEntry[] = [
      entry
        ? byTiter
          ? R.say("entry.titer", { ana, min })
          : R.say("entry.equivalent", { ana })
        : R.say("entry.notMet", { ana, min }),
    ];
    for (const d of domains)
      if (d.countedKey) {
        const shown = {
          domain: `eularDomain.${d.domain}`,
          kind: `eularKind.${d.kind}`,
          counted: `eularCriterion.${d.countedKey}`,
        };
        reasons.push(
          d.ignoredKeys.length
            ? R.say("domainIgnored", { ...shown, ignored: d.ignoredKeys })
            : R.say("domain", shown),
        );
      }
    reasons.push(
      R.say("total", {
        total,
        clinical: clinicalPoints,
        immunological: immunologicalPoints,
        min: CLASSIFICATION_MIN_POINTS,
      }),
    );

    let value: EularAcrClass;
    if (!entry) value = "ENTRY_CRITERION_NOT_MET";
    else if (total >= CLASSIFICATION_MIN_POINTS && hasClinical) value = "SLE";
    else {
      value = "NOT_SLE";
      if (total >= CLASSIFICATION_MIN_POINTS) reasons.push(R.say("noClinical"));
    }
    return {
      value,
      label:
        value === "SLE"
          ? R.say("label.sle", { total })
          : value === "NOT_SLE"
            ? R.say("label.notSle", { total })
            : R.say("label.notClassifiable"),
      reasons,
      details: {
        entryCriterionMet: entry,
        totalPoints: total,
        clinicalPoints,
        immunologicalPoints,
        hasClinicalCriterion: hasClinical,
        domains: domains
          .filter((d) => d.counted)
          .map(({ domain, points, counted }) => ({ domain, points, counted })),
      },
    };
  },
});
