/**
 * Response schemas of the calculators, stored assessments and the grades derived from recorded
 * data (routes/calculators.ts), checked against the services' types in
 * test/unit/http-contract.test.ts.
 */
import { z } from "zod";

const str = z.string();
const num = z.number();
const maybeNum = num.nullable();

const PlainParam = z.union([num, str, z.array(str)]);

/** A coded part of a sentence, e.g. the hypotension a CRS grade quotes; its parameters are plain. */
export const ReasonPhraseSchema = z
  .object({ code: str, params: z.record(str, PlainParam) })
  .meta({ id: "ReasonPhrase" });

/** A coded sentence (decision 0041): the code the web app words from its catalogues, and the values it quotes. */
export const ReasonCodeSchema = z
  .object({
    code: str.describe('stable code, e.g. "crs.hypoxia.grade"'),
    params: z
      .record(str, z.union([PlainParam, ReasonPhraseSchema, z.array(ReasonPhraseSchema)]))
      .describe(
        'the values the sentence quotes: numbers, text, terms as qualified codes ("oxygenDevice.HFNC"), lists ' +
          "of terms, coded phrases and lists of them",
      ),
  })
  .meta({ id: "ReasonCode" });

/** Beside `reasons`, in the same order; optional because results stored before codes existed lack it. */
export const ReasonCodesSchema = z
  .array(ReasonCodeSchema.nullable())
  .describe(
    "the reasons as codes with parameters, one per sentence in the same order; null for a sentence not yet " +
      "coded (show its English text). Absent on results stored before the codes existed.",
  );

export const CalculatorResultSchema = z
  .object({
    calculator: str,
    ruleSet: str,
    ruleSetVersion: str,
    value: z.unknown().describe("a grade, score, category, number, or an object for multi-part results"),
    label: str,
    labelCode: ReasonCodeSchema.optional().describe(
      "the label as a code with parameters, for readers in other languages; absent where the calculator's " +
        "labels are not coded, and on results stored before",
    ),
    reasons: z.array(str),
    reasonCodes: ReasonCodesSchema.optional(),
    details: z.record(str, z.unknown()).optional(),
    warnings: z.array(z.object({ path: str, code: str, message: str })),
  })
  .meta({ id: "CalculatorResult" });

export const CalculatorCatalogueSchema = z
  .object({
    items: z.array(
      z.object({
        name: str,
        title: str,
        source: str,
        ruleSet: str,
        ruleSetVersion: str,
        inputSchema: z.record(str, z.unknown()).describe("JSON Schema of the calculator's inputs"),
      }),
    ),
  })
  .meta({ id: "CalculatorCatalogue" });

export const AssessmentSchema = z
  .object({
    id: str,
    patientId: str,
    calculator: str,
    assessedAt: str,
    studyDay: maybeNum,
    inputs: z.unknown(),
    result: CalculatorResultSchema,
    label: str,
    ruleSet: str,
    ruleSetVersion: str,
    source: str,
    status: str,
    note: str.nullable(),
    visitId: str.nullable(),
    assessedBy: str,
    version: num,
    createdAt: str,
    current: z
      .union([CalculatorResultSchema, z.object({ error: str })])
      .optional()
      .describe("present when the calculator's rule set changed since this was stored"),
  })
  .meta({ id: "Assessment" });

export const DerivedCrsSchema = z
  .object({
    patientId: str,
    ruleSet: str,
    ruleSetVersion: str,
    days: z.array(
      z.object({
        date: str,
        studyDay: maybeNum,
        grade: num,
        label: str,
        reasons: z.array(str),
        assumptions: z.array(str),
        inputs: z.record(str, z.unknown()),
        provisional: z.literal(true),
      }),
    ),
  })
  .meta({ id: "DerivedCrs" });

const TermGrade = z.object({
  grade: maybeNum,
  label: str,
  value: num,
  unit: z.enum(["cells/uL", "g/dL"]),
  observationId: str,
  reasons: z.array(str),
  warnings: z.array(str),
});

export const DerivedCtcaeHematologySchema = z
  .object({
    patientId: str,
    ruleSet: str,
    ruleSetVersion: str,
    days: z.array(
      z.object({
        date: str,
        studyDay: maybeNum,
        terms: z.object({
          neutrophils: TermGrade.optional(),
          platelets: TermGrade.optional(),
          lymphocytes: TermGrade.optional(),
          whiteBloodCells: TermGrade.optional(),
          anemia: TermGrade.optional(),
        }),
        worstGrade: maybeNum,
        skipped: z.array(z.object({ observationId: str, code: str, unit: str.nullable(), reason: str })),
      }),
    ),
  })
  .meta({ id: "DerivedCtcaeHematology" });
