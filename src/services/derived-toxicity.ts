/**
 * CTCAE v5.0 haematology grades derived from blood counts already recorded, per site-local day,
 * so nobody types the same number twice. Each day takes the worst (lowest) value of each
 * analyte and grades it with the `ctcae-hematology` calculator — the rule lives there once. Grade
 * 1 needs the laboratory's lower limit of normal, which observations do not carry yet: a value at
 * or above the grade-2 threshold is reported as "grade 0–1, LLN not recorded" rather than guessed.
 */
import { findCalculator } from "../domain/calculators/index.ts";
import { DomainError } from "../domain/errors.ts";
import { cellsPerMicrolitre, hemoglobinGramsPerDecilitre } from "../domain/lab-units.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import { numericObservationsOf } from "../store/clinical-records.ts";
import { findSite } from "../store/sites.ts";
import { infusionDate } from "../store/studies.ts";
import type { ServiceContext } from "./context.ts";
import { loadPatientFor } from "./patients.ts";

type Term = "neutrophils" | "platelets" | "lymphocytes" | "whiteBloodCells" | "anemia";

/** LOINC codes per CTCAE term (shared/domain/workflow-standards.md §5.4). */
const TERM_CODES: Record<Term, string[]> = {
  neutrophils: ["751-8"],
  platelets: ["777-3", "26515-7"],
  lymphocytes: ["731-0", "26474-7"],
  whiteBloodCells: ["6690-2", "26464-8"],
  anemia: ["718-7"],
};
const CODE_TO_TERM = new Map(
  Object.entries(TERM_CODES).flatMap(([t, codes]) => codes.map((c) => [c, t as Term])),
);

export interface DerivedTermGrade {
  grade: number | null;
  label: string;
  value: number;
  unit: "cells/uL" | "g/dL";
  observationId: string;
  reasons: string[];
  /** the calculator's count-unit warnings (a stored count that reads as entered in the wrong unit) */
  warnings: string[];
}

export interface DerivedDay {
  date: string;
  studyDay: number | null;
  terms: Partial<Record<Term, DerivedTermGrade>>;
  worstGrade: number | null;
  /** values that could not be graded (unknown unit) */
  skipped: { observationId: string; code: string; unit: string | null; reason: string }[];
}

export async function deriveCtcaeHematology(
  ctx: ServiceContext,
  patientId: string,
  q: { from?: string; to?: string },
): Promise<{ patientId: string; ruleSet: string; ruleSetVersion: string; days: DerivedDay[] }> {
  const patient = await loadPatientFor(ctx, patientId, "clinical:read");
  const calc = findCalculator("ctcae-hematology");
  if (!calc) throw new Error("ctcae-hematology calculator missing from the registry");
  const site = (await findSite(ctx.db, patient.site_id))!;
  const day0 = await infusionDate(ctx.db, patientId);
  const rows = await numericObservationsOf(ctx.db, patientId, [...CODE_TO_TERM.keys()], q);

  const days = new Map<
    string,
    { worst: Partial<Record<Term, { value: number; id: string }>>; skipped: DerivedDay["skipped"] }
  >();
  for (const r of rows) {
    const term = CODE_TO_TERM.get(r.code)!;
    const date = localDate(r.effective_at, site.time_zone);
    const d = days.get(date) ?? { worst: {}, skipped: [] };
    days.set(date, d);
    const v =
      term === "anemia"
        ? hemoglobinGramsPerDecilitre(r.value_number!, r.unit)
        : cellsPerMicrolitre(r.value_number!, r.unit);
    if (v === null) {
      d.skipped.push({
        observationId: r.id,
        code: r.code,
        unit: r.unit,
        reason: `Unit ${r.unit ?? "(none)"} is not one we can convert for ${term}`,
      });
      continue;
    }
    const prev = d.worst[term];
    if (!prev || v < prev.value) d.worst[term] = { value: v, id: r.id };
  }

  const out: DerivedDay[] = [];
  for (const [date, d] of [...days.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const terms: DerivedDay["terms"] = {};
    for (const [term, w] of Object.entries(d.worst) as [Term, { value: number; id: string }][]) {
      const input =
        term === "anemia"
          ? { anemia: { hemoglobinGPerDL: w.value } }
          : { [term]: { countCellsPerUL: w.value } };
      const unit = term === "anemia" ? "g/dL" : "cells/uL";
      try {
        const r = calc.run(input);
        const grade = (r.value as Record<string, number>)[term] ?? null;
        terms[term] = {
          grade,
          label: `Grade ${grade}`,
          value: round(w.value),
          unit,
          observationId: w.id,
          reasons: r.reasons,
          warnings: r.warnings.map((x) => x.message),
        };
      } catch (e) {
        // The calculator asks for the LLN only when the value is at or above the grade-2 threshold.
        if (
          e instanceof DomainError &&
          e.code === "validation" &&
          e.issues.some((i) => i.path.endsWith("/llnCellsPerUL") || i.path.endsWith("/llnGPerDL"))
        )
          terms[term] = {
            grade: null,
            label: "Grade 0–1 (LLN not recorded)",
            value: round(w.value),
            unit,
            observationId: w.id,
            reasons: [
              `${round(w.value)} ${unit} is at or above the grade-2 threshold; grade 1 depends on the laboratory's lower limit of normal, which is not recorded.`,
            ],
            warnings: [],
          };
        else throw e;
      }
    }
    const graded = Object.values(terms)
      .map((t) => t.grade)
      .filter((g): g is number => g !== null);
    out.push({
      date,
      studyDay: day0 ? studyDay(date, day0) : null,
      terms,
      worstGrade: graded.length ? Math.max(...graded) : null,
      skipped: d.skipped,
    });
  }
  return { patientId, ruleSet: calc.ruleSet, ruleSetVersion: calc.ruleSetVersion, days: out };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
