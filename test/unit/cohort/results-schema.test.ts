/**
 * The cohort response schemas and the domain's types are one shape: checked by the compiler (a
 * field added to one and not the other fails `npm run typecheck`), and at run time on a cohort
 * summary built from patients, so a value the schema would reject cannot reach the serialiser.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { TreatedPatient } from "../../../src/domain/cohort/patient-outcome.ts";
import type { CohortOutcomes } from "../../../src/domain/cohort/results.ts";
import {
  type CohortOutcomesSchema,
  CohortSummarySchema,
  TreatedPatientSchema,
} from "../../../src/domain/cohort/results-schema.ts";
import { type CohortSummary, summariseCohort } from "../../../src/domain/cohort/summary.ts";

describe("cohort response schemas", () => {
  it("have exactly the domain's types", () => {
    expectTypeOf<z.output<typeof CohortSummarySchema>>().toEqualTypeOf<CohortSummary>();
    expectTypeOf<z.output<typeof TreatedPatientSchema>>().toEqualTypeOf<TreatedPatient>();
    expectTypeOf<z.output<typeof CohortOutcomesSchema>>().toEqualTypeOf<CohortOutcomes>();
  });

  it("accept a summary computed from patients, and refuse one with a field of the wrong type", () => {
    const patient: TreatedPatient = {
      patientId: "p1",
      subjectCode: "SZ-0001",
      siteCode: "SZ",
      studyId: "s",
      studyName: "S",
      arm: "LYM",
      doseLevel: "DL2",
      products: ["cCAR-19B"],
      targets: ["BCMA", "CD19"],
      indication: "overlap",
      infusionDate: "2019-09-16",
      lastContactDate: "2021-09-15",
      deathDate: null,
      offStudyDate: null,
      offStudyReason: null,
      lymphoma: {
        best: "CR",
        firstResponseDate: "2019-10-16",
        firstCompleteResponseDate: "2019-10-16",
        progressionDate: null,
        lastAssessmentDate: "2020-03-16",
        spdBaselineMm2: 4200,
        spdBestMm2: 150,
      },
      lupus: {
        dorisDate: "2020-06-16",
        lldasDate: "2020-06-16",
        drugFreeDate: "2020-06-16",
        lastAssessmentDate: "2020-09-16",
        relapseDate: null,
        sledaiBaseline: 10,
        sledaiBest: 0,
        sri4: [{ date: "2020-06-16", responder: true }],
      },
      crs: { maxGrade: 1, onsetDate: "2019-09-17", lastDate: "2019-09-18" },
      icans: { maxGrade: null, onsetDate: null, lastDate: null },
      icaht: { maxGrade: 1, onsetDate: "2019-09-20", lastDate: "2019-09-22" },
      iecHs: { maxGrade: null, onsetDate: null, lastDate: null },
      product: {
        carPositiveCells: 1.77e8,
        carPositivePercent: 38,
        vectorCopyNumber: 2.4,
        viabilityPercent: 91,
        outOfSpecification: false,
        veinToVeinDays: 19,
      },
      carCmax: 124_000,
      tocilizumab: false,
      systemicSteroids: false,
      infections: [{ studyDay: 12, grade: 3, pathogenClass: "bacterial" }],
    };
    const summary = summariseCohort([patient], "indication");
    expect(CohortSummarySchema.safeParse(summary).success).toBe(true);
    expect(TreatedPatientSchema.safeParse(patient).success).toBe(true);
    expect(TreatedPatientSchema.safeParse({ ...patient, carCmax: "124000" }).success).toBe(false);
  });
});
