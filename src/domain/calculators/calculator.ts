/**
 * The shape every clinical calculator shares. A calculator is a pure function from a validated
 * input to a result that carries the value, the reasons that drove it (e.g. "grade 3: high-flow
 * oxygen 8 L/min") and the rule set it implements, so a stored result can always say which rules
 * produced it. Missing or contradictory inputs are validation errors that name the field (JSON
 * Pointer), never silent defaults.
 */
import type { z } from "zod";
import { type Issue, issueBound, issueCode, toJsonPointer, validationError } from "../errors.ts";
import { type Reason, type ReasonCode, type ReasonEntry, splitReasons } from "../reasons.ts";

/**
 * An input that is allowed but looks wrong (a count that reads as entered in the wrong unit). It
 * does not change the value: the result is graded on the input as given, and the warning asks the
 * user to check it. Same shape as a validation issue: the JSON Pointer of the field, a stable code,
 * a sentence.
 */
export interface CalculatorWarning {
  path: string;
  code: string;
  message: string;
}

export interface CalculatorResult<V = unknown> {
  /** registry name, e.g. "crs" */
  calculator: string;
  /** the published rule set, e.g. "ASTCT 2019 (Lee et al.)" */
  ruleSet: string;
  /** our encoding of it; bump when the code's behaviour changes so stored results show which ran */
  ruleSetVersion: string;
  /** the main result: a grade, a score, a category, a number, or an object for multi-part results */
  value: V;
  /** short human label of the value, e.g. "Grade 3", "CMR", "12 points" */
  label: string;
  /**
   * the label coded (decision 0041), for readers in other languages; absent where a calculator's
   * labels are not coded yet, and on results stored before
   */
  labelCode?: ReasonCode;
  /** why: one sentence per input or rule that determined the value, in English */
  reasons: string[];
  /**
   * the same sentences in the same order as codes with their parameters, for readers in other
   * languages (decision 0041); null for a sentence not yet coded
   */
  reasonCodes: (ReasonCode | null)[];
  /** secondary results (sub-scores, intermediate values) */
  details?: Record<string, unknown>;
  /** inputs to check (empty when none); they never change the value */
  warnings: CalculatorWarning[];
}

export interface CalculatorDefinition<S extends z.ZodType, V> {
  name: string;
  title: string;
  /** citation of the primary source */
  source: string;
  ruleSet: string;
  ruleSetVersion: string;
  input: S;
  evaluate(input: z.output<S>): {
    value: V;
    /** coded (a Reason, reasons.ts) or, where not yet coded, English text */
    label: string | Reason;
    /** coded sentences (reasons.ts), or English text where a calculator is not yet coded */
    reasons: ReasonEntry[];
    details?: Record<string, unknown>;
  };
  /** plausibility warnings on the validated input (count units…); never changes the value */
  warn?(input: z.output<S>): CalculatorWarning[];
}

export interface Calculator<V = unknown> {
  name: string;
  title: string;
  source: string;
  ruleSet: string;
  ruleSetVersion: string;
  input: z.ZodType;
  run(raw: unknown): CalculatorResult<V>;
}

/** Wraps a definition: parse (every problem reported at once), evaluate, stamp the rule set. */
export function defineCalculator<S extends z.ZodType, V>(def: CalculatorDefinition<S, V>): Calculator<V> {
  return {
    name: def.name,
    title: def.title,
    source: def.source,
    ruleSet: def.ruleSet,
    ruleSetVersion: def.ruleSetVersion,
    input: def.input,
    run(raw) {
      const parsed = def.input.safeParse(raw);
      if (!parsed.success)
        throw validationError(
          parsed.error.issues.map((i) => ({
            path: toJsonPointer(i.path),
            message: i.message,
            // a check's own code when it has one (params.code), else zod's
            code: issueCode(i),
            ...issueBound(i),
          })),
          `The ${def.name} inputs have problems.`,
        );
      const { reasons, label, ...r } = def.evaluate(parsed.data);
      return {
        calculator: def.name,
        ruleSet: def.ruleSet,
        ruleSetVersion: def.ruleSetVersion,
        ...r,
        ...(typeof label === "string"
          ? { label }
          : { label: label.text, labelCode: { code: label.code, params: label.params } }),
        ...splitReasons(reasons),
        warnings: def.warn?.(parsed.data) ?? [],
      };
    },
  };
}

/** For rules found inside evaluate(): a contradiction between fields, named by their paths. */
export function contradiction(issues: Issue[]): never {
  throw validationError(issues, "The inputs contradict each other.");
}
