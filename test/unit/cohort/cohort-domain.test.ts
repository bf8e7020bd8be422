/**
 * The cohort rules worked by hand: indication from coded diagnoses, the shareable query string,
 * time-to-event from one patient's dates, and a six-patient cohort whose every table entry below
 * was counted on paper (the intervals are R's binom.test values for the same counts).
 */
import { describe, expect, it } from "vitest";
import { CODE_SYSTEMS } from "../../../src/domain/code-systems.ts";
import { CohortDefinition, cohortQuery, describeCohort } from "../../../src/domain/cohort/definition.ts";
import { indicationOf } from "../../../src/domain/cohort/indication.ts";
import {
  durationOfResponse,
  icahtGrade,
  iecHsGrade,
  lupusRelapseFreeSurvival,
  overallSurvival,
  progressionFreeSurvival,
  type TreatedPatient,
} from "../../../src/domain/cohort/patient-outcome.ts";
import { keptMeasures, summariseCohort } from "../../../src/domain/cohort/summary.ts";
import { lupusRelapseDate } from "../../../src/domain/endpoints/lupus-remission.ts";

const snomed = (code: string) => ({ codeSystem: CODE_SYSTEMS.snomed, code });
const icd10 = (code: string) => ({ codeSystem: CODE_SYSTEMS.icd10, code });

describe("indicationOf", () => {
  it("reads SNOMED CT and ICD-10 diagnoses", () => {
    expect(indicationOf([snomed("109969005")])).toBe("lymphoma");
    expect(indicationOf([snomed("109989006")])).toBe("myeloma");
    expect(indicationOf([snomed("55464009")])).toBe("sle");
    expect(indicationOf([snomed("68815009")])).toBe("sle");
    expect(indicationOf([icd10("M32.14")])).toBe("sle");
    expect(indicationOf([icd10("C83.30")])).toBe("lymphoma");
    expect(indicationOf([icd10("C90.0")])).toBe("myeloma");
  });
  it("calls lupus with a lymphoma overlap, and lets a malignancy decide otherwise", () => {
    expect(indicationOf([snomed("55464009"), snomed("109969005")])).toBe("overlap");
    expect(indicationOf([snomed("55464009"), snomed("109989006")])).toBe("myeloma");
  });
  it("leaves Hodgkin lymphoma, other code systems and no diagnosis unclassified", () => {
    expect(indicationOf([icd10("C81.9")])).toBeNull();
    expect(indicationOf([{ codeSystem: "http://example.org", code: "109969005" }])).toBeNull();
    expect(indicationOf([])).toBeNull();
  });
});

describe("cohort definition", () => {
  it("parses comma lists and writes one canonical query whatever the order", () => {
    const a = CohortDefinition.parse({
      indication: "overlap,lymphoma",
      site: "SZ",
      infusedFrom: "2020-01-01",
    });
    const b = CohortDefinition.parse({
      infusedFrom: "2020-01-01",
      site: ["SZ"],
      indication: ["lymphoma", "overlap"],
    });
    expect(cohortQuery(a)).toBe("site=SZ&indication=lymphoma,overlap&infusedFrom=2020-01-01");
    expect(cohortQuery(b)).toBe(cohortQuery(a));
    expect(CohortDefinition.parse(Object.fromEntries(new URLSearchParams(cohortQuery(a))))).toEqual({
      site: ["SZ"],
      indication: ["overlap", "lymphoma"].sort(),
      infusedFrom: "2020-01-01",
    });
    expect(describeCohort(a)).toBe("site SZ · indication lymphoma, overlap · infused 2020-01-01 to today");
    expect(cohortQuery(CohortDefinition.parse({}))).toBe("");
    expect(describeCohort({})).toBe("every infused patient");
  });
  it("refuses unknown keys, unknown values and reversed ranges", () => {
    expect(CohortDefinition.safeParse({ disease: "sle" }).success).toBe(false);
    expect(CohortDefinition.safeParse({ indication: "leukaemia" }).success).toBe(false);
    expect(CohortDefinition.safeParse({ target: "CD3" }).success).toBe(false);
    expect(CohortDefinition.safeParse({ infusedFrom: "2021-01-01", infusedTo: "2020-12-31" }).success).toBe(
      false,
    );
    expect(CohortDefinition.safeParse({ infusedFrom: "2021-02-30" }).success).toBe(false);
    expect(CohortDefinition.safeParse({ indication: "" }).success).toBe(false);
  });
});

let seq = 0;
function patient(
  p: Partial<TreatedPatient> & Pick<TreatedPatient, "infusionDate" | "lastContactDate">,
): TreatedPatient {
  seq++;
  return {
    patientId: `p${seq}`,
    subjectCode: `SZ-${String(seq).padStart(4, "0")}`,
    siteCode: "SZ",
    studyId: "s",
    studyName: "S",
    arm: "LYM",
    doseLevel: "DL1",
    products: ["cCAR-19B"],
    targets: ["BCMA", "CD19"],
    indication: "lymphoma",
    deathDate: null,
    offStudyDate: null,
    offStudyReason: null,
    lymphoma: null,
    lupus: null,
    crs: { maxGrade: null, onsetDate: null, lastDate: null },
    icans: { maxGrade: null, onsetDate: null, lastDate: null },
    icaht: { maxGrade: null, onsetDate: null, lastDate: null },
    iecHs: { maxGrade: null, onsetDate: null, lastDate: null },
    tocilizumab: false,
    systemicSteroids: false,
    infections: [],
    product: null,
    carCmax: null,
    ...p,
  };
}
const lymphoma = (
  best: "CR" | "PR" | "SD" | "PD" | null,
  dates: Partial<NonNullable<TreatedPatient["lymphoma"]>> = {},
) => ({
  best,
  firstResponseDate: null,
  firstCompleteResponseDate: null,
  progressionDate: null,
  lastAssessmentDate: null,
  spdBaselineMm2: null,
  spdBestMm2: null,
  ...dates,
});

describe("time to event of one patient", () => {
  it("overall survival: death is the event, else censored at the last contact", () => {
    expect(
      overallSurvival(
        patient({ infusionDate: "2020-01-01", lastContactDate: "2020-03-01", deathDate: "2020-03-01" }),
      ),
    ).toEqual({ time: 60, event: true });
    expect(overallSurvival(patient({ infusionDate: "2020-01-01", lastContactDate: "2021-01-01" }))).toEqual({
      time: 366,
      event: false,
    });
  });
  it("progression-free survival: the first of progression and death, else the last assessment, else day 0", () => {
    const base = { infusionDate: "2020-01-01", lastContactDate: "2021-01-01" };
    expect(
      progressionFreeSurvival(
        patient({
          ...base,
          lymphoma: lymphoma("PR", { progressionDate: "2020-04-10", lastAssessmentDate: "2020-04-10" }),
          deathDate: "2020-06-01",
        }),
      ),
    ).toEqual({ time: 100, event: true });
    expect(
      progressionFreeSurvival(patient({ ...base, lymphoma: lymphoma(null), deathDate: "2020-01-21" })),
    ).toEqual({ time: 20, event: true });
    expect(
      progressionFreeSurvival(
        patient({ ...base, lymphoma: lymphoma("CR", { lastAssessmentDate: "2020-07-01" }) }),
      ),
    ).toEqual({ time: 182, event: false });
    expect(progressionFreeSurvival(patient({ ...base, lymphoma: lymphoma(null) }))).toEqual({
      time: 0,
      event: false,
    });
    expect(progressionFreeSurvival(patient({ ...base, indication: "sle" }))).toBeNull();
  });
  it("duration of response: from the first response; a death before it does not end it", () => {
    const base = { infusionDate: "2020-01-01", lastContactDate: "2021-01-01" };
    expect(
      durationOfResponse(
        patient({
          ...base,
          lymphoma: lymphoma("CR", { firstResponseDate: "2020-01-29", lastAssessmentDate: "2020-07-01" }),
          deathDate: "2020-09-01",
        }),
      ),
    ).toEqual({ time: 216, event: true });
    expect(
      durationOfResponse(
        patient({
          ...base,
          lymphoma: lymphoma("CR", { firstResponseDate: "2020-01-29", lastAssessmentDate: "2020-07-01" }),
        }),
      ),
    ).toEqual({ time: 154, event: false });
    expect(durationOfResponse(patient({ ...base, lymphoma: lymphoma("SD") }))).toBeNull();
  });
});

describe("grades of stored haematotoxicity and IEC-HS results", () => {
  it("ICAHT counts its early phase only; IEC-HS a negative screen as 0 and a positive one once graded", () => {
    expect(icahtGrade({ phase: "EARLY", grade: 3 })).toBe(3);
    expect(icahtGrade({ phase: "LATE", grade: 2 })).toBeNull();
    expect(icahtGrade(null)).toBeNull();
    expect(iecHsGrade({ screenPositive: false, grade: null, flags: [] })).toBe(0);
    expect(iecHsGrade({ screenPositive: true, grade: 2, flags: [] })).toBe(2);
    expect(iecHsGrade({ screenPositive: true, grade: null, flags: [] })).toBeNull();
  });
});

describe("lupus relapse", () => {
  const a = (date: string, calculator: "doris" | "lldas", met: boolean) => ({
    id: `${calculator}-${date}`,
    date,
    calculator,
    value: calculator === "doris" ? { remission: met, drugFree: met } : met ? "LLDAS" : "NOT_LLDAS",
  });
  it("is the first visit after DORIS or LLDAS was reached on which neither is met", () => {
    const visits = [
      a("2020-03-01", "doris", false),
      a("2020-03-01", "lldas", true), // LLDAS reached
      a("2020-06-01", "doris", true),
      a("2020-06-01", "lldas", true),
      a("2020-09-01", "doris", false), // DORIS lost, LLDAS held: not a relapse
      a("2020-09-01", "lldas", true),
      a("2020-12-01", "doris", false),
      a("2020-12-01", "lldas", false), // both lost: relapse
    ];
    expect(lupusRelapseDate(visits, "2020-01-01")).toBe("2020-12-01");
    expect(lupusRelapseDate(visits.slice(0, 6), "2020-01-01")).toBeNull();
    // never reached: nothing to relapse from
    expect(
      lupusRelapseDate([a("2020-03-01", "doris", false), a("2020-03-01", "lldas", false)], "2020-01-01"),
    ).toBeNull();
    // before day 0 does not count as reached
    expect(
      lupusRelapseDate([a("2019-12-01", "lldas", true), a("2020-03-01", "lldas", false)], "2020-01-01"),
    ).toBeNull();
  });
  it("relapse-free survival: relapse or death, else censored at the last assessment", () => {
    const base = { infusionDate: "2020-01-01", lastContactDate: "2021-06-01", indication: "sle" as const };
    const lupus = (relapseDate: string | null, lastAssessmentDate: string | null) => ({
      dorisDate: null,
      lldasDate: "2020-03-01",
      drugFreeDate: null,
      lastAssessmentDate,
      relapseDate,
      sledaiBaseline: null,
      sledaiBest: null,
      sri4: [],
    });
    expect(lupusRelapseFreeSurvival(patient({ ...base, lupus: lupus("2020-12-01", "2021-03-01") }))).toEqual({
      time: 335,
      event: true,
    });
    expect(lupusRelapseFreeSurvival(patient({ ...base, lupus: lupus(null, "2021-03-01") }))).toEqual({
      time: 425,
      event: false,
    });
    expect(
      lupusRelapseFreeSurvival(patient({ ...base, lupus: lupus(null, null), deathDate: "2020-02-01" })),
    ).toEqual({ time: 31, event: true });
    expect(lupusRelapseFreeSurvival(patient({ ...base, indication: "lymphoma" }))).toBeNull();
  });
});

describe("summariseCohort on six patients counted by hand", () => {
  // Day 0 on 2020-01-01 for all; 30.4375 days per month.
  const d0 = "2020-01-01";
  const cohort = [
    // 1 lymphoma CR at day 28, alive at 2 years; CRS grade 1 on days 1–3
    patient({
      infusionDate: d0,
      lastContactDate: "2022-01-01",
      lymphoma: lymphoma("CR", {
        firstResponseDate: "2020-01-29",
        firstCompleteResponseDate: "2020-01-29",
        lastAssessmentDate: "2021-01-01",
      }),
      crs: { maxGrade: 1, onsetDate: "2020-01-02", lastDate: "2020-01-04" },
      icans: { maxGrade: 0, onsetDate: null, lastDate: null },
      infections: [
        { studyDay: 28, grade: 2, pathogenClass: "bacterial" },
        { studyDay: 91, grade: 1, pathogenClass: "viral" },
      ],
    }),
    // 2 lymphoma PR at day 28, progression day 91, death day 182; CRS grade 3 days 2–8, tocilizumab + steroids
    patient({
      infusionDate: d0,
      lastContactDate: "2020-07-01",
      deathDate: "2020-07-01",
      lymphoma: lymphoma("PR", {
        firstResponseDate: "2020-01-29",
        progressionDate: "2020-04-01",
        lastAssessmentDate: "2020-04-01",
      }),
      crs: { maxGrade: 3, onsetDate: "2020-01-03", lastDate: "2020-01-09" },
      icans: { maxGrade: 2, onsetDate: "2020-01-06", lastDate: "2020-01-07" },
      icaht: { maxGrade: 3, onsetDate: "2020-01-06", lastDate: "2020-01-20" },
      iecHs: { maxGrade: 0, onsetDate: null, lastDate: null },
      tocilizumab: true,
      systemicSteroids: true,
      infections: [
        { studyDay: 29, grade: 3, pathogenClass: "viral" },
        { studyDay: 50, grade: 2, pathogenClass: null },
      ],
    }),
    // 3 lymphoma SD, no CRS grading stored
    patient({
      infusionDate: d0,
      lastContactDate: "2020-10-01",
      lymphoma: lymphoma("SD", { lastAssessmentDate: "2020-04-01" }),
    }),
    // 4 lymphoma with no assessment, died day 20
    patient({
      infusionDate: d0,
      lastContactDate: "2020-01-21",
      deathDate: "2020-01-21",
      lymphoma: lymphoma(null),
      crs: { maxGrade: 2, onsetDate: "2020-01-02", lastDate: "2020-01-05" },
      infections: [{ studyDay: 12, grade: 4, pathogenClass: "fungal" }],
    }),
    // 5 lupus: DORIS at month 5, LLDAS at month 2, followed a year
    patient({
      infusionDate: d0,
      lastContactDate: "2021-01-01",
      indication: "sle",
      doseLevel: "DL2",
      lupus: {
        dorisDate: "2020-06-01",
        lldasDate: "2020-03-01",
        drugFreeDate: "2020-06-01",
        lastAssessmentDate: "2021-01-01",
        relapseDate: null,
        sledaiBaseline: 12,
        sledaiBest: 0,
        // month 3 on the day; at month 6 two visits 20 days either side (the later one counts)
        sri4: [
          { date: "2020-04-01", responder: true },
          { date: "2020-06-11", responder: false },
          { date: "2020-07-21", responder: true },
          { date: "2021-01-01", responder: true },
        ],
      },
      crs: { maxGrade: 0, onsetDate: null, lastDate: null },
    }),
    // 6 lupus: LLDAS at month 7, last assessed month 7
    patient({
      infusionDate: d0,
      lastContactDate: "2020-08-01",
      indication: "sle",
      doseLevel: "DL2",
      lupus: {
        dorisDate: null,
        lldasDate: "2020-08-01",
        drugFreeDate: null,
        lastAssessmentDate: "2020-08-01",
        relapseDate: null,
        sledaiBaseline: 14,
        sledaiBest: 2,
        // 46 days before month 3 (outside its window) and 45 days before month 6 (inside)
        sri4: [
          { date: "2020-02-15", responder: false },
          { date: "2020-05-17", responder: false },
        ],
      },
      crs: { maxGrade: 1, onsetDate: "2020-01-01", lastDate: "2020-01-01" },
    }),
  ];
  const s = summariseCohort(cohort, "indication");

  it("response: 4 lymphoma patients, CR 1, PR 1, SD 1, NE 1, ORR 2/4 with the exact interval", () => {
    const all = s.response.rows[0]!;
    expect(all.key).toBe("all");
    expect(all.n).toBe(4);
    expect(all.counts).toEqual({ CR: 1, PR: 1, SD: 1, PD: 0, notEvaluable: 1 });
    expect(all.overallResponse).toMatchObject({ count: 2, total: 4, estimate: 0.5 });
    // R: binom.test(2, 4)$conf.int = 0.06758599 0.93241401
    expect(all.overallResponse.lower).toBeCloseTo(0.06758599, 7);
    expect(all.overallResponse.upper).toBeCloseTo(0.93241401, 7);
    // R: binom.test(1, 4)$conf.int = 0.006309463 0.805879550
    expect(all.completeResponse.lower).toBeCloseTo(0.006309463, 8);
    expect(all.completeResponse.upper).toBeCloseTo(0.80587955, 7);
    expect(all.timeToFirstResponse).toEqual({ n: 2, median: 28, min: 28, max: 28 });
    expect(s.response.rows.find((r) => r.key === "sle")!.n).toBe(0);
  });

  it("CRS: 5 graded, max grades 0,1,1,2,3; any grade 4/5; ≥3 1/5; onset days 0–2; durations 1–7", () => {
    const all = s.crs.rows[0]!;
    expect(all.graded).toBe(5);
    expect(all.notGraded).toBe(1);
    expect(all.byMaxGrade).toEqual([1, 2, 1, 1, 0, 0]);
    expect(all.anyGrade).toMatchObject({ count: 4, total: 5 });
    expect(all.gradeThreeOrMore).toMatchObject({ count: 1, total: 5 });
    expect(all.onsetDay).toEqual({ n: 4, median: 1, min: 0, max: 2 });
    expect(all.durationDays).toEqual({ n: 4, median: 3.5, min: 1, max: 7 });
    expect(s.icans.rows[0]!.byMaxGrade).toEqual([1, 0, 1, 0, 0, 0]);
    expect(s.supportiveCare.rows[0]!.tocilizumab).toMatchObject({ count: 1, total: 6 });
    expect(s.icaht.rows[0]).toMatchObject({ graded: 1, notGraded: 5, byMaxGrade: [0, 0, 0, 1, 0, 0] });
    expect(s.icaht.rows[0]!.gradeThreeOrMore).toMatchObject({ count: 1, total: 1 });
    expect(s.iecHs.rows[0]).toMatchObject({ graded: 1, byMaxGrade: [1, 0, 0, 0, 0, 0] });
  });

  it("infections by window: patients followed into it, once each, episodes by pathogen", () => {
    const at = (window: string) => s.infections.rows.find((r) => r.key === "all" && r.window === window)!;
    const none = { bacterial: 0, viral: 0, fungal: 0, parasitic: 0, unidentified: 0 };
    // Days 0–28: all six followed; patients 1 (day 28) and 4 (grade 4, day 12).
    expect(at("days 0–28")).toMatchObject({
      followed: 6,
      anyInfection: { count: 2, total: 6 },
      severeInfection: { count: 1, total: 6 },
      episodes: 2,
      episodesByPathogen: { ...none, bacterial: 1, fungal: 1 },
    });
    // Days 29–90: patient 4 died on day 20 and is not followed; patient 2's two episodes count once.
    expect(at("days 29–90")).toMatchObject({
      followed: 5,
      anyInfection: { count: 1, total: 5 },
      severeInfection: { count: 1, total: 5 },
      episodes: 2,
      episodesByPathogen: { ...none, viral: 1, unidentified: 1 },
    });
    expect(at("after day 90")).toMatchObject({
      followed: 5,
      anyInfection: { count: 1, total: 5 },
      severeInfection: { count: 0, total: 5 },
      episodesByPathogen: { ...none, viral: 1 },
    });
  });

  it("lupus remission by month, each state over those followed to the month or who reached it", () => {
    const at = (m: number) => s.remission.rows.find((r) => r.key === "all" && r.months === m)!;
    expect(at(3)).toMatchObject({
      n: 2,
      followed: 2,
      lldas: { count: 1, total: 2 },
      doris: { count: 0, total: 2 },
    });
    expect(at(6)).toMatchObject({
      followed: 2,
      doris: { count: 1, total: 2 },
      drugFree: { count: 1 },
      lldas: { count: 1 },
    });
    // Patient 6 was last assessed at month 7: not followed to month 9, but her LLDAS (month 7) counts.
    expect(at(9)).toMatchObject({
      followed: 1,
      doris: { count: 1, total: 1 },
      lldas: { count: 2, total: 2 },
    });
    expect(at(12)).toMatchObject({
      followed: 1,
      doris: { count: 1, total: 1 },
      lldas: { count: 2, total: 2 },
    });
  });

  it("SRI-4 by month: the visit nearest the month within ±45 days, responders over those with one", () => {
    const at = (m: number) => s.remission.rows.find((r) => r.key === "all" && r.months === m)!.sri4;
    // month 3 (2020-04-01): patient 5 on the day; patient 6's visit is 46 days early, not counted
    expect(at(3)).toMatchObject({ count: 1, total: 1 });
    // month 6 (2020-07-01): patient 5's visits tie at 20 days, the later (responder) counts;
    // patient 6's non-response 45 days before is inside the window
    expect(at(6)).toMatchObject({ count: 1, total: 2 });
    // month 9 (2020-10-01): nobody has a visit within 45 days
    expect(at(9)).toMatchObject({ count: 0, total: 0 });
    expect(at(12)).toMatchObject({ count: 1, total: 1 });
  });

  it("overall survival: 2 deaths among 6; the KM drops 1/6 at day 20 and 1/4 at day 182", () => {
    const os = s.survival.find((a) => a.endpoint === "overall-survival")!;
    expect(os.all.n).toBe(6);
    expect(os.all.events).toBe(2);
    const events = os.all.curve.filter((c) => c.nEvent > 0);
    expect(events.map((c) => c.months)).toEqual([20 / 30.4375, 182 / 30.4375]);
    expect(events[0]!.survival).toBeCloseTo(5 / 6, 12);
    // at day 182 patients 1, 2, 3, 5 and 6 are still at risk (4 died at day 20)
    expect(events[1]!.nRisk).toBe(5);
    expect(events[1]!.survival).toBeCloseTo((5 / 6) * (4 / 5), 12);
    expect(os.groups.map((g) => [g.key, g.n, g.events])).toEqual([
      ["lymphoma", 4, 2],
      ["sle", 2, 0],
    ]);
    expect(os.logRank?.df).toBe(1);
  });

  it("PFS only for the lymphoma patients: events at day 20 (death) and day 91 (progression)", () => {
    const pfs = s.survival.find((a) => a.endpoint === "progression-free-survival")!;
    expect(pfs.all.n).toBe(4);
    expect(pfs.all.events).toBe(2);
    expect(pfs.groups.map((g) => g.key)).toEqual(["lymphoma"]);
    expect(pfs.logRank).toBeNull();
    const dor = s.survival.find((a) => a.endpoint === "duration-of-response")!;
    expect(dor.all.n).toBe(2);
  });

  it("swimmer lanes in months, longest follow-up first, with response, progression and death marked", () => {
    expect(s.swimmer.map((l) => l.subjectCode)).toEqual(
      cohort
        .map((p) => p.subjectCode)
        .sort((a, b) => {
          const days = (c: string) => cohort.find((p) => p.subjectCode === c)!.lastContactDate;
          return days(b).localeCompare(days(a)) || a.localeCompare(b);
        }),
    );
    const second = s.swimmer.find((l) => l.subjectCode === cohort[1]!.subjectCode)!;
    expect(second).toMatchObject({
      ongoing: false,
      followUpMonths: 182 / 30.4375,
      responseMonths: 28 / 30.4375,
      progressionMonths: 91 / 30.4375,
      deathMonths: 182 / 30.4375,
    });
    const lupus = s.swimmer.find((l) => l.subjectCode === cohort[4]!.subjectCode)!;
    expect(lupus).toMatchObject({ ongoing: true, responseMonths: 152 / 30.4375, progressionMonths: null });
  });

  it("competing risks: progression (patient 2, day 91) and non-relapse death (patient 4, day 20) add up to 1 − PFS", () => {
    const cr = s.competingRisks.all;
    expect(cr.n).toBe(4);
    const [progression, nrm] = cr.causes;
    expect(progression).toMatchObject({ cause: "progression", events: 1 });
    expect(nrm).toMatchObject({ cause: "non-relapse mortality", events: 1 });
    // Aalen–Johansen by hand: day 20, 4 at risk, one NRM death: F_nrm = 1/4. Day 91: 3 at risk, S(91−) = 3/4,
    // one progression: F_prog = 3/4 · 1/3 = 1/4.
    expect(nrm!.curve.map((c) => [c.months, c.estimate])).toEqual([[20 / 30.4375, 0.25]]);
    expect(progression!.curve.map((c) => [c.months, c.estimate])).toEqual([[91 / 30.4375, 0.25]]);
    const pfs = s.survival.find((a) => a.endpoint === "progression-free-survival")!;
    const pfsAt6 = pfs.all.landmarks.find((l) => l.time === 6)!.survival!;
    const at6 = (c: typeof progression) => c!.landmarks.find((l) => l.months === 6)!.estimate!;
    expect(at6(progression) + at6(nrm) + pfsAt6).toBeCloseTo(1, 12);
  });

  it("waterfall: best SLEDAI-2K change, largest first: 14 → 2 is −85.7 %, 12 → 0 is −100 %", () => {
    expect(s.waterfall.bars.map((b) => [b.subjectCode, b.baseline, b.best])).toEqual([
      [cohort[5]!.subjectCode, 14, 2],
      [cohort[4]!.subjectCode, 12, 0],
    ]);
    expect(s.waterfall.bars[0]!.changePercent).toBeCloseTo((-12 / 14) * 100, 12);
    expect(s.waterfall.bars[1]!.changePercent).toBe(-100);
  });

  it("tumour waterfall: best SPD change on Lugano CT, largest first; −50 % is the PR line", () => {
    // Two lymphoma patients measured on CT: 4,200 → 1,890 mm² (−55 %: a partial response by SPD)
    // and 3,000 → 3,300 mm² (+10 %); a third without CT assessments is not drawn.
    const measured = (code: string, baseline: number | null, best: number | null) =>
      patient({
        subjectCode: code,
        infusionDate: "2020-01-01",
        lastContactDate: "2020-07-01",
        indication: "lymphoma",
        lymphoma: lymphoma("PR", { spdBaselineMm2: baseline, spdBestMm2: best }),
      });
    const t = summariseCohort(
      [measured("T-1", 4200, 1890), measured("T-2", 3000, 3300), measured("T-3", null, null)],
      "none",
    ).tumourWaterfall;
    expect(t.measure).toBe("SPD");
    expect(t.bars.map((b) => [b.subjectCode, b.baseline, b.best])).toEqual([
      ["T-2", 3000, 3300],
      ["T-1", 4200, 1890],
    ]);
    expect(t.bars[0]!.changePercent).toBeCloseTo(10, 12);
    expect(t.bars[1]!.changePercent).toBeCloseTo(-55, 12);
  });

  it("product attributes against Cmax by Spearman's rho: ranks (1,2,3,4) against (1,3,2,4) give 0.8", () => {
    const bag = (cells: number) => ({
      carPositiveCells: cells,
      carPositivePercent: null,
      vectorCopyNumber: null,
      viabilityPercent: null,
      outOfSpecification: false,
      veinToVeinDays: null,
    });
    const treated = [
      [1e8, 10],
      [2e8, 30],
      [3e8, 20],
      [4e8, 40],
    ].map(([cells, cmax]) =>
      patient({
        infusionDate: "2020-01-01",
        lastContactDate: "2020-07-01",
        product: bag(cells!),
        carCmax: cmax!,
      }),
    );
    // A patient without a bag on record is left out even with a Cmax.
    treated.push(patient({ infusionDate: "2020-01-01", lastContactDate: "2020-07-01", carCmax: 5 }));
    const rows = summariseCohort(treated, "none").productCorrelations.rows;
    const at = (attribute: string, outcome: string) =>
      rows.find((r) => r.attribute === attribute && r.outcome === outcome)!;
    expect(at("carPositiveCells", "carCmax")).toMatchObject({ n: 4 });
    expect(at("carPositiveCells", "carCmax").rho).toBeCloseTo(1 - (6 * 2) / (4 * 15), 12);
    expect(at("vectorCopyNumber", "carCmax")).toEqual({
      attribute: "vectorCopyNumber",
      outcome: "carCmax",
      n: 0,
      rho: null,
      pValue: null,
    });
    expect(rows).toHaveLength(8);
  });

  it("median follow-up by reverse Kaplan–Meier", () => {
    // Reverse KM: censoring events at days 214(6), 274(3), 366(5), 731(1); deaths (20, 182) censored.
    // At 214: 4 at risk → 3/4; 274: 3 → 2/4 = 0.5 exactly, so the median is the midpoint of 274 and 366 days.
    expect(s.followUp.estimate).toBeCloseTo((274 + 366) / 2 / 30.4375, 12);
  });

  it("measures kept from an earlier summary: a patient changed as a new object is measured again", () => {
    const kept = keptMeasures();
    const first = summariseCohort(cohort, "indication", kept);
    expect(first).toEqual(s);
    expect(cohort.every((p) => kept.patients.has(p))).toBe(true);
    // Patient 1's CRS regraded 3 and its death recorded, as a report brought up to date passes it:
    // a new object under the same id, the other five the very objects summarised before.
    const changed = {
      ...cohort[0]!,
      crs: { maxGrade: 3, onsetDate: "2020-01-02", lastDate: "2020-01-10" },
      deathDate: "2020-06-30",
    };
    const after = [changed, ...cohort.slice(1)];
    const again = summariseCohort(after, "indication", kept);
    expect(again).toEqual(summariseCohort(after, "indication"));
    // max grades 0, 1, 1, 2, 3 before; patient 1's 1 is now 3: 0, 1, 2, 3, 3
    expect(again.crs.rows[0]!.byMaxGrade).toEqual([1, 1, 1, 2, 0, 0]);
    expect(again.survival[0]!.all.events).toBe(3);
  });

  it("rows kept from an earlier summary: only those whose patients or times changed are counted again", () => {
    const kept = keptMeasures();
    const first = summariseCohort(cohort, "indication", kept);
    // Patient 5 (lupus) regraded CRS 2 on day 1: no time to event moves.
    const changed = { ...cohort[4]!, crs: { maxGrade: 2, onsetDate: "2020-01-02", lastDate: "2020-01-03" } };
    const after = [...cohort.slice(0, 4), changed, cohort[5]!];
    const again = summariseCohort(after, "indication", kept);
    expect(again).toEqual(summariseCohort(after, "indication"));
    // rows: all, lymphoma, sle. The lymphoma group's rows are the ones counted before; all and sle anew.
    expect(again.crs.rows[1]).toBe(first.crs.rows[1]);
    expect(again.response.rows[1]).toBe(first.response.rows[1]);
    expect(again.crs.rows[0]).not.toBe(first.crs.rows[0]);
    expect(again.crs.rows[2]).not.toBe(first.crs.rows[2]);
    expect(again.crs.rows[2]!.byMaxGrade).toEqual([0, 1, 1, 0, 0, 0]);
    // Every curve, log-rank test and the follow-up read times only, and none moved.
    for (const [k, analysis] of again.survival.entries()) {
      expect(analysis.all).toBe(first.survival[k]!.all);
      expect(analysis.groups).toEqual(first.survival[k]!.groups);
      for (const [i, g] of analysis.groups.entries()) expect(g).toBe(first.survival[k]!.groups[i]);
      expect(analysis.logRank).toBe(first.survival[k]!.logRank);
    }
    expect(again.followUp).toBe(first.followUp);
    // A time that moves (patient 6 dies on her last contact) counts OS again, equal to a fresh count.
    const died = { ...cohort[5]!, deathDate: "2020-08-01" };
    const later = [...after.slice(0, 5), died];
    const third = summariseCohort(later, "indication", kept);
    expect(third).toEqual(summariseCohort(later, "indication"));
    expect(third.survival[0]!.all).not.toBe(again.survival[0]!.all);
    expect(third.survival[0]!.all.events).toBe(again.survival[0]!.all.events + 1);
    expect(third.survival[1]!.all).toBe(again.survival[1]!.all);
  });
});
