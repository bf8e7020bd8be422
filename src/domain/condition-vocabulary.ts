/**
 * The diagnoses a condition form offers (GET /api/v1/conditions/vocabulary): the indications the
 * program treats with CD19/BCMA CAR-T cells, each under its SNOMED CT concept, so a web form picks
 * a code instead of typing one and the web app holds no code table.
 *
 * Codes and names: shared/domain/workflow-standards.md §5.5 (SNOMED CT 55464009 systemic lupus
 * erythematosus, 68815009 SLE glomerulonephritis syndrome = lupus nephritis, 109969005 diffuse
 * large B-cell lymphoma, confirmed in public code sets [S48]); 109989006 "Multiple myeloma
 * (disorder)", the concept the demo records myeloma under (cohort/indication.ts). Each entry names
 * the disease the cohorts count it under; test/unit/condition-vocabulary.test.ts checks that
 * cohort/indication.ts classifies it the same way, so a diagnosis picked here is found by the
 * patient search and counted in the cohort it names.
 *
 * The API still accepts any well-formed SNOMED CT or ICD-10 code (imports and the CLI record
 * others); this is what a person entering a diagnosis by hand chooses from.
 */
import { CODE_SYSTEMS } from "./code-systems.ts";
import type { Disease } from "./cohort/indication.ts";

export interface VocabularyDiagnosis {
  codeSystem: typeof CODE_SYSTEMS.snomed;
  code: string;
  display: string;
  disease: Disease;
}

export const CONDITION_DIAGNOSES: readonly VocabularyDiagnosis[] = [
  {
    codeSystem: CODE_SYSTEMS.snomed,
    code: "55464009",
    display: "Systemic lupus erythematosus",
    disease: "sle",
  },
  {
    codeSystem: CODE_SYSTEMS.snomed,
    code: "68815009",
    display: "SLE glomerulonephritis syndrome (lupus nephritis)",
    disease: "sle",
  },
  {
    codeSystem: CODE_SYSTEMS.snomed,
    code: "109969005",
    display: "Diffuse large B-cell lymphoma",
    disease: "lymphoma",
  },
  { codeSystem: CODE_SYSTEMS.snomed, code: "109989006", display: "Multiple myeloma", disease: "myeloma" },
];
