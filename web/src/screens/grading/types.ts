/**
 * The API shapes the grading screens read (GET /api/v1/calculators, POST evaluate, assessments),
 * as aliases onto the generated web/src/api/schema.d.ts (decision 0034), so they cannot drift.
 */
import type { Assessment, CalculatorCatalogue, CalculatorResult } from "../../api/types.ts";
import type { JsonSchema } from "./json-schema.ts";

export type { CalculatorResult };

/**
 * A calculator as the catalogue lists it; the document types its input schema as an open
 * object (any JSON Schema), which the form builder reads through JsonSchema.
 */
export type CalculatorInfo = Omit<CalculatorCatalogue["items"][number], "inputSchema"> & {
  inputSchema: JsonSchema;
};

export type StoredAssessment = Pick<
  Assessment,
  "id" | "calculator" | "assessedAt" | "studyDay" | "label" | "status" | "note" | "result"
>;

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
