/** API shapes the grading screens read (GET /api/v1/calculators, POST evaluate, assessments). */
import type { ReasonCode } from "../../i18n/reasons.ts";
import type { JsonSchema } from "./json-schema.ts";

export interface CalculatorInfo {
  name: string;
  title: string;
  source: string;
  ruleSet: string;
  ruleSetVersion: string;
  inputSchema: JsonSchema;
}

export interface CalculatorResult {
  calculator: string;
  ruleSet: string;
  ruleSetVersion: string;
  value: unknown;
  label: string;
  reasons: string[];
  /** the reasons as codes, same order (decision 0041); absent on results stored before codes existed */
  reasonCodes?: (ReasonCode | null)[];
  details?: Record<string, unknown>;
  /** inputs to check, e.g. a count that reads as entered in × 10³/µL; they never change the value */
  warnings?: { path: string; code: string; message: string }[];
}

export interface StoredAssessment {
  id: string;
  calculator: string;
  assessedAt: string;
  studyDay: number | null;
  label: string;
  status: string;
  note: string | null;
  result: CalculatorResult;
}

/** The forms the clinic asked for first; every other calculator is listed after them. */
export const GRADING_FORMS = [
  "crs",
  "icans",
  "ctcae-hematology",
  "lugano-pet",
  "lugano-ct",
  "sledai-2k",
  "doris",
];
