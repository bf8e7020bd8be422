/**
 * Protocol visit schedules relative to the CAR-T infusion (day 0), the concrete visits they generate
 * for one patient, each visit's status, and the long-term follow-up (LTFU) contacts.
 * Reference: shared/domain/workflow-standards.md §4.1 (FDA LTFU), §4.2 (CIBMTR timepoints) and §4.4
 * (trial visit schedule template with windows).
 *
 * Date arithmetic works on calendar dates (YYYY-MM-DD) with integer day numbers, never on instants,
 * so time zones and daylight-saving changes cannot move a visit. The calendar date of the infusion
 * is taken in the site's time zone before it gets here (see study-day.ts).
 *
 * Offsets are either days ("day 14") or calendar months/years ("month 6", "year 3").
 * Convention for "month N": the same day of the month, N calendar months after the infusion. When
 * that month is too short, the date is clamped to its last day. So an infusion on 2019-08-31 has
 * month 6 on 2020-02-29 (leap year) and an infusion on 2020-08-31 has it on 2021-02-28. "Year N" is
 * month 12·N, so an infusion on 2020-02-29 has year 1 (and month 12) on 2021-02-28.
 * Why: coordinators and patients book "the 16th, six months on", and this matches java.time
 * plusMonths and date-fns addMonths. The other choice, rolling over to 1 March, would move a visit
 * into the next month. Because months have different lengths, "month 6" is 181 to 184 days after
 * infusion depending on the date. Registries count days instead: CIBMTR's 1-year window is day
 * 365–425 (§4.2). Registry windows are therefore given in study days (`registryWindow`), not
 * relative to the calendar nominal date.
 */
import { z } from "zod";
import { findCalculator } from "./calculators/index.ts";
import { addDays, addMonths, monthSpanDays } from "./calendar.ts";
import { type Issue, toJsonPointer, validationError } from "./errors.ts";
import { checkLoincCode } from "./loinc.ts";
import { CalendarDate, NonEmptyText } from "./schemas/common.ts";
import { studyDay } from "./study-day.ts";
import { defaultVisitName } from "./visit-names.ts";

// ---------------------------------------------------------------------------------------------
// Long-term follow-up (§4.1)
// ---------------------------------------------------------------------------------------------

/** How the CAR gene is put into the cells (car_products.vector_type; `vector` keeps the free text). */
export const VECTOR_TYPES = [
  "lentiviral",
  "gammaretroviral",
  "transposon",
  "mrna",
  "other-non-integrating",
] as const;
export type VectorType = (typeof VECTOR_TYPES)[number];

/**
 * Vectors that integrate into the genome. FDA's LTFU guidance lists integration activity
 * (insertional oncogenesis) as a delayed risk, and integrating-vector products are followed for up
 * to 15 years (§4.1 [S27b][S28]). Lentiviral and gammaretroviral vectors are the retroviral vectors
 * the notes name. Transposons (Sleeping Beauty, piggyBac) integrate by design: they are included here
 * as a design decision that the notes do not state. mRNA CAR-T does not integrate.
 */
export const INTEGRATING_VECTORS: readonly VectorType[] = ["lentiviral", "gammaretroviral", "transposon"];

export const LTFU_YEARS = 15;

/**
 * Years of yearly LTFU contacts: 15 for integrating vectors. For other products FDA's approach is
 * risk-based and the protocol decides (null). A proposal to stop at 5 years exists but is not a rule
 * (§4.1 [S29]).
 */
export function ltfuYears(vector: VectorType): number | null {
  return INTEGRATING_VECTORS.includes(vector) ? LTFU_YEARS : null;
}

export const LTFU_ITEM_CODES = [
  "new-malignancy",
  "infection",
  "autoimmune-event",
  "neurologic-event",
  "haematologic-event",
  "pregnancy",
  "death",
  "vector-testing",
] as const;
export type LtfuItemCode = (typeof LTFU_ITEM_CODES)[number];

/** When an LTFU item is owed: at every contact, or only when clinically indicated. */
export const LTFU_ITEM_WHEN = ["every-contact", "if-indicated"] as const;

export interface LtfuItem {
  code: LtfuItemCode;
  label: string;
  /** what the coordinator records at the contact */
  collect: string;
  when: (typeof LTFU_ITEM_WHEN)[number];
  source: string;
}

/**
 * What each yearly LTFU contact collects, covering the period since the last contact.
 * The issue names new malignancies, infections, autoimmune events, pregnancy and death. §4.1 adds
 * neurologic and haematologic disorders [S28], and §4.4 adds RCL/persistence testing if indicated.
 */
export const LTFU_ITEMS: readonly LtfuItem[] = [
  {
    code: "new-malignancy",
    label: "New malignancy",
    collect:
      "Any new cancer since the last contact: diagnosis, date, histology; for a T-cell or other haematological malignancy, tissue kept for CAR/vector testing",
    when: "every-contact",
    source: "§4.1 [S27b][S28]; CIBMTR F4100 [S39b]",
  },
  {
    code: "infection",
    label: "Infections",
    collect: "Clinically significant infections: organism, site, onset date, severity, hospitalisation",
    when: "every-contact",
    source: "CIBMTR F4100 [S39b]",
  },
  {
    code: "autoimmune-event",
    label: "New autoimmune event",
    collect: "New autoimmune disorder or flare of a known one: diagnosis, onset date, treatment",
    when: "every-contact",
    source: "§4.1 [S28]",
  },
  {
    code: "neurologic-event",
    label: "New neurologic disorder",
    collect: "New neurologic disorder, including delayed neurotoxicity: diagnosis, onset date",
    when: "every-contact",
    source: "§4.1 [S28]; §4.3 [S10]",
  },
  {
    code: "haematologic-event",
    label: "New haematologic disorder",
    collect: "New or persistent cytopenia or other haematologic disorder: diagnosis, onset date",
    when: "every-contact",
    source: "§4.1 [S28]",
  },
  {
    code: "pregnancy",
    label: "Pregnancy",
    collect: "Pregnancy of the patient or of a partner since the last contact, and its outcome",
    when: "every-contact",
    source: "CIBMTR F4100 (fertility) [S39b]",
  },
  {
    code: "death",
    label: "Vital status",
    collect: "Alive on the contact date, or date and cause of death",
    when: "every-contact",
    source: "CIBMTR F4100 / F2900 [S39b][S39d]",
  },
  {
    code: "vector-testing",
    label: "CAR persistence / replication-competent virus testing",
    collect: "Blood for CAR transgene persistence and replication-competent retrovirus/lentivirus testing",
    when: "if-indicated",
    source: "§4.4 (design default)",
  },
];

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

/** Offsets: day 0..20 years, months 1..240, years 1..20. Visits before infusion belong to the
 * patient state machine (§1.3), not to a schedule that is generated on infusion. */
export const VisitOffset = z.discriminatedUnion("unit", [
  z.object({ unit: z.literal("day"), value: z.number().int().min(0).max(7305) }),
  z.object({ unit: z.literal("month"), value: z.number().int().min(1).max(240) }),
  z.object({ unit: z.literal("year"), value: z.number().int().min(1).max(20) }),
]);
export type VisitOffset = z.infer<typeof VisitOffset>;

/** Days before and after the nominal date during which the visit counts as on time. */
export const VisitWindow = z.object({
  minusDays: z.number().int().min(0, "A window cannot be negative").max(366),
  plusDays: z.number().int().min(0, "A window cannot be negative").max(366),
});

/** A registry's own window in study days (registries count days, not calendar months). */
export const RegistryWindow = z
  .object({
    registry: NonEmptyText(100),
    fromDay: z.number().int().min(0).max(7305),
    toDay: z.number().int().min(0).max(7305),
  })
  .superRefine((w, ctx) => {
    if (w.toDay < w.fromDay)
      ctx.addIssue({ code: "custom", path: ["toDay"], message: "toDay must not be before fromDay" });
  });

const CalculatorName = z.string().superRefine((name, ctx) => {
  if (!findCalculator(name)) ctx.addIssue({ code: "custom", message: `No calculator named "${name}"` });
});

const LoincCode = z.string().superRefine((code, ctx) => {
  const problem = checkLoincCode(code);
  if (problem === "syntax")
    ctx.addIssue({ code: "custom", message: `"${code}" is not a LOINC code (digits, hyphen, check digit)` });
  else if (problem === "check-digit")
    ctx.addIssue({ code: "custom", message: `"${code}" has a wrong LOINC check digit` });
});

const noRepeats = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .default([])
    .refine((a) => new Set(a).size === a.length, "Entries must not repeat");

export const Visit = z.object({
  /** short stable code, e.g. "D14", "M6", "Y3"; unique in the schedule (case-insensitive) */
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, "Use 1–20 letters, digits, '.', '_' or '-'"),
  label: NonEmptyText(100),
  offset: VisitOffset,
  window: VisitWindow,
  /** calculator registry names, e.g. "crs", "lugano-pet", "doris" */
  assessments: noRepeats(CalculatorName, 30),
  /** LOINC codes of the labs expected at the visit */
  labs: noRepeats(LoincCode, 60),
  /** other activities, free text, e.g. "vital signs", "PET-CT", "CAR-T qPCR" */
  activities: noRepeats(NonEmptyText(200), 30),
  /** LTFU items collected at this contact */
  ltfuItems: noRepeats(z.enum(LTFU_ITEM_CODES), LTFU_ITEM_CODES.length),
  registryWindow: RegistryWindow.optional(),
});
export type Visit = z.infer<typeof Visit>;

/** The fewest and most days after infusion an offset can be, over all infusion dates. */
export function offsetDayRange(offset: VisitOffset): readonly [number, number] {
  if (offset.unit === "day") return [offset.value, offset.value];
  return monthSpanDays(offset.unit === "year" ? offset.value * 12 : offset.value);
}

const describeRange = ([a, b]: readonly [number, number]) => (a === b ? `day ${a}` : `days ${a}–${b}`);

export const VisitSchedule = z
  .object({
    name: NonEmptyText(200),
    visits: z.array(Visit).min(1).max(500),
  })
  .superRefine((s, ctx) => {
    const seen = new Map<string, number>();
    let previous: { code: string; range: readonly [number, number] } | null = null;
    s.visits.forEach((v, i) => {
      const key = v.code.toUpperCase();
      const first = seen.get(key);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["visits", i, "code"],
          message: `Visit code ${v.code} is already used by visit ${first}`,
        });
      else seen.set(key, i);

      // zod runs this refinement even when a range check inside a visit failed: judge order and
      // window only for visits whose offset and window are themselves valid.
      if (!VisitOffset.safeParse(v.offset).success || !VisitWindow.safeParse(v.window).success) return;
      const range = offsetDayRange(v.offset);
      // Strictly increasing for every possible infusion date, not just on average.
      if (previous && range[0] <= previous.range[1])
        ctx.addIssue({
          code: "custom",
          path: ["visits", i, "offset"],
          message: `Visits must be in order: ${v.code} (${describeRange(range)}) is not after ${previous.code} (${describeRange(previous.range)})`,
        });
      previous = { code: v.code, range };

      if (range[0] - v.window.minusDays < 0)
        ctx.addIssue({
          code: "custom",
          path: ["visits", i, "window", "minusDays"],
          message: `The window of ${v.code} would open before the infusion (day 0)`,
        });
    });
  });
export type VisitSchedule = z.infer<typeof VisitSchedule>;

/** Validates a schedule, reporting every problem with its JSON Pointer (e.g. /visits/3/code). */
export function parseVisitSchedule(raw: unknown): VisitSchedule {
  const parsed = VisitSchedule.safeParse(raw);
  if (!parsed.success)
    throw validationError(
      parsed.error.issues.map((i) => ({ path: toJsonPointer(i.path), message: i.message, code: i.code })),
      "The visit schedule has problems.",
    );
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Generating a patient's visits
// ---------------------------------------------------------------------------------------------

export interface GeneratedVisit {
  code: string;
  label: string;
  offset: VisitOffset;
  /** the planned date */
  nominalDate: string;
  /** study day of the planned date (day 0 = infusion) */
  nominalDay: number;
  /** first and last day of the window, both inclusive */
  windowStart: string;
  windowEnd: string;
  windowStartDay: number;
  windowEndDay: number;
  /** the registry's own window, if the visit serves one, as dates */
  registryWindow: { registry: string; fromDay: number; toDay: number; start: string; end: string } | null;
  assessments: string[];
  labs: string[];
  activities: string[];
  ltfuItems: LtfuItemCode[];
}

function nominalDate(offset: VisitOffset, infusionDate: string): string {
  switch (offset.unit) {
    case "day":
      return addDays(infusionDate, offset.value);
    case "month":
      return addMonths(infusionDate, offset.value);
    case "year":
      return addMonths(infusionDate, offset.value * 12);
  }
}

/** The patient's concrete visits for a parsed schedule and the infusion's calendar date. */
export function generateVisits(schedule: VisitSchedule, infusionDate: string): GeneratedVisit[] {
  if (!CalendarDate.safeParse(infusionDate).success)
    throw validationError([{ path: "/infusionDate", message: "Give the infusion date as YYYY-MM-DD" }]);
  return schedule.visits.map((v) => {
    const nominal = nominalDate(v.offset, infusionDate);
    const windowStart = addDays(nominal, -v.window.minusDays);
    const windowEnd = addDays(nominal, v.window.plusDays);
    const r = v.registryWindow;
    return {
      code: v.code,
      label: v.label,
      offset: v.offset,
      nominalDate: nominal,
      nominalDay: studyDay(nominal, infusionDate),
      windowStart,
      windowEnd,
      windowStartDay: studyDay(windowStart, infusionDate),
      windowEndDay: studyDay(windowEnd, infusionDate),
      registryWindow: r
        ? { ...r, start: addDays(infusionDate, r.fromDay), end: addDays(infusionDate, r.toDay) }
        : null,
      assessments: [...v.assessments],
      labs: [...v.labs],
      activities: [...v.activities],
      ltfuItems: [...v.ltfuItems],
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Visit status
// ---------------------------------------------------------------------------------------------

/**
 * Status of one generated visit on `today`, in this order of precedence:
 * - done: `doneOn` is recorded (not after today, not before the infusion). `inWindow` says whether
 *   it fell in the window; `daysOutsideWindow` is negative when early, positive when late, else 0.
 * - missed: a reason is recorded and the visit is not done. It may be recorded before the window
 *   closes (e.g. the patient withdrew).
 * - closed: neither done nor missed, the visit stopped applying when the journey ended (death,
 *   withdrawal, loss, treatment stopped, study completed), on `closedOn` with the reason. It is not
 *   a missed visit: the patient was no longer expected.
 * - upcoming: today is before the window's first day.
 * - due: today is in the window, first and last day included (`closesInDays` is 0 on the last day).
 * - overdue: today is after the window's last day and nothing is recorded (1 on the day after).
 * Recording both a done date and a missed reason is a validation error.
 */
export type VisitStatus =
  | { status: "upcoming"; opensInDays: number }
  | { status: "due"; closesInDays: number }
  | { status: "overdue"; daysOverdue: number }
  | { status: "done"; doneOn: string; inWindow: boolean; daysOutsideWindow: number }
  | { status: "missed"; reason: string }
  | { status: "closed"; closedOn: string; reason: string };

export const VisitStatusInput = z.object({
  today: CalendarDate,
  doneOn: CalendarDate.optional(),
  missedReason: z.string().trim().min(3, "Give a reason of at least 3 characters").max(1000).optional(),
  /** set when the journey ended with the visit still open (services/visits.ts closeOpenVisits) */
  closed: z.object({ on: CalendarDate, reason: z.string().min(1) }).optional(),
});
export type VisitStatusInput = z.input<typeof VisitStatusInput>;

export function visitStatus(
  visit: Pick<GeneratedVisit, "nominalDate" | "nominalDay" | "windowStart" | "windowEnd">,
  input: VisitStatusInput,
): VisitStatus {
  const parsed = VisitStatusInput.safeParse(input);
  if (!parsed.success)
    throw validationError(
      parsed.error.issues.map((i) => ({ path: toJsonPointer(i.path), message: i.message, code: i.code })),
    );
  const { today, doneOn, missedReason, closed } = parsed.data;
  const infusionDate = addDays(visit.nominalDate, -visit.nominalDay);
  const issues: Issue[] = [];
  if (doneOn !== undefined && missedReason !== undefined)
    issues.push({ path: "/missedReason", message: "A visit is either done or missed, not both" });
  if (doneOn !== undefined && doneOn > today)
    issues.push({ path: "/doneOn", message: `The visit cannot be done after today (${today})` });
  if (doneOn !== undefined && doneOn < infusionDate)
    issues.push({
      path: "/doneOn",
      message: `The visit cannot be done before the infusion (${infusionDate})`,
    });
  if (issues.length) throw validationError(issues);

  if (doneOn !== undefined) {
    const early = studyDay(doneOn, visit.windowStart); // negative when before the window
    const late = studyDay(doneOn, visit.windowEnd); // positive when after it
    const daysOutsideWindow = early < 0 ? early : Math.max(late, 0);
    return { status: "done", doneOn, inWindow: daysOutsideWindow === 0, daysOutsideWindow };
  }
  if (missedReason !== undefined) return { status: "missed", reason: missedReason };
  if (closed !== undefined) return { status: "closed", closedOn: closed.on, reason: closed.reason };
  if (today < visit.windowStart)
    return { status: "upcoming", opensInDays: studyDay(visit.windowStart, today) };
  if (today <= visit.windowEnd) return { status: "due", closesInDays: studyDay(visit.windowEnd, today) };
  return { status: "overdue", daysOverdue: studyDay(today, visit.windowEnd) };
}

// ---------------------------------------------------------------------------------------------
// Default template (§4.4)
// ---------------------------------------------------------------------------------------------

/** Labs by LOINC (§5.4). */
const LAB = {
  wbc: "6690-2",
  anc: "751-8",
  lymphocytes: "731-0",
  hemoglobin: "718-7",
  platelets: "777-3",
  crp: "1988-5",
  ferritin: "2276-4",
  il6: "26881-3",
  igg: "2465-3",
  cd19Abs: "8116-6",
  cd19Pct: "20593-0",
  ldh: "2532-0",
  antiDsDna: "5130-0",
  ana: "8061-4",
  c3: "4485-9",
  c4: "4498-2",
  creatinine: "2160-0",
  upcr: "2890-2",
} as const;

const CBC = [LAB.wbc, LAB.anc, LAB.lymphocytes, LAB.hemoglobin, LAB.platelets];
const INFLAMMATION = [LAB.crp, LAB.ferritin, LAB.il6];
const B_CELLS_IG = [LAB.cd19Abs, LAB.cd19Pct, LAB.igg];

export type Indication = "lymphoma" | "sle" | "other";

/** Response assessments by indication, added wherever §4.4 lists "response". */
const RESPONSE: Record<Indication, { assessments: string[]; labs: string[]; activities: string[] }> = {
  lymphoma: { assessments: ["lugano-pet", "lugano-ct"], labs: [LAB.ldh], activities: ["PET-CT"] },
  sle: {
    assessments: ["sledai-2k", "doris", "lldas"],
    labs: [LAB.antiDsDna, LAB.c3, LAB.c4, LAB.creatinine, LAB.upcr],
    activities: ["physician global assessment"],
  },
  other: { assessments: [], labs: [], activities: [] },
};

const ALL_LTFU: LtfuItemCode[] = [...LTFU_ITEM_CODES];

type VisitInput = z.input<typeof Visit>;

const day = (value: number) => ({ unit: "day", value }) as const;
const month = (value: number) => ({ unit: "month", value }) as const;
const year = (value: number) => ({ unit: "year", value }) as const;
const pm = (days: number) => ({ minusDays: days, plusDays: days });
const uniq = (xs: string[]) => [...new Set(xs)];

/**
 * The §4.4 template: daily D1–D7, D10, D14, D21, D28, M2, M3, D100, M6, M9, M12, M18, M24, then
 * yearly Y3–Y15 (32 visits). Screening, apheresis, lymphodepletion and the infusion itself happen
 * before or at day 0 and are not generated from it.
 *
 * DESIGN DEFAULTS: the notes say the windows are not a standard and every protocol sets its own.
 * Where the notes give a range (D21/D28 "± 2–3 d", years 3–15 "± 30–60 d") the wider end is used;
 * a protocol narrows it by defining its own schedule.
 */
export function defaultVisitSchedule(indication: Indication = "other"): VisitSchedule {
  const response = RESPONSE[indication];
  const withResponse = (v: VisitInput): VisitInput => ({
    ...v,
    assessments: uniq([...(v.assessments ?? []), ...response.assessments]),
    labs: uniq([...(v.labs ?? []), ...response.labs]),
    activities: uniq([...(v.activities ?? []), ...response.activities]),
  });
  const acute = {
    assessments: ["crs", "icans", "ice"],
    labs: [...CBC, ...INFLAMMATION],
    activities: ["vital signs"],
  };
  const visits: VisitInput[] = [
    // D1–D7 daily, ± 0 (design default): vitals, ICE, CRS/ICANS grading, CBC, CRP, ferritin, IL-6.
    ...[1, 2, 3, 4, 5, 6, 7].map((d) => ({
      ...defaultVisitName("day", d),
      offset: day(d),
      window: pm(0),
      ...acute,
    })),
    // D10, D14, ± 1 d (design default): as above; D14 ends the main CRS window.
    ...[10, 14].map((d) => ({ ...defaultVisitName("day", d), offset: day(d), window: pm(1), ...acute })),
    // D21, D28, ± 3 d (design default; notes: ± 2–3 d): CAR-T expansion, B-cell aplasia; D28: DLT and
    // first response assessment, early ICAHT, kinetics over days 0–28.
    {
      ...defaultVisitName("day", 21),
      offset: day(21),
      window: pm(3),
      assessments: ["ctcae-hematology"],
      labs: [...CBC, LAB.crp, LAB.ferritin, ...B_CELLS_IG],
      activities: ["CAR-T expansion (qPCR / flow cytometry)"],
    },
    withResponse({
      ...defaultVisitName("day", 28),
      offset: day(28),
      window: pm(3),
      assessments: ["ctcae-hematology", "icaht", "cellular-kinetics"],
      labs: [...CBC, LAB.crp, LAB.ferritin, ...B_CELLS_IG],
      activities: ["DLT assessment", "CAR-T expansion (qPCR / flow cytometry)"],
    }),
    // M2, M3, ± 7 d (design default): response, SLE indices, immunoglobulins, infections.
    ...[2, 3].map((m) =>
      withResponse({
        ...defaultVisitName("month", m),
        offset: month(m),
        window: pm(7),
        labs: [...CBC, ...B_CELLS_IG],
        activities: ["infection review"],
      }),
    ),
    // D100: "per registry" in the notes. ± 15 d is CIBMTR's contact-date range for day 100 (day 85–115,
    // CIBMTR Forms Instruction Manual, "Determining contact dates"); not in the notes, design default.
    {
      ...defaultVisitName("day", 100),
      offset: day(100),
      window: pm(15),
      labs: [...CBC, ...B_CELLS_IG],
      activities: ["CIBMTR F4100 / EBMT Day-100 report", "infection review"],
      registryWindow: { registry: "CIBMTR day 100", fromDay: 85, toDay: 115 },
    },
    // M6, M9, M12, ± 14 d (design default): response, persistence, immune reconstitution,
    // autoantibodies. M12 also carries the CIBMTR 1-year window, day 365–425 [S39e].
    ...[6, 9, 12].map((m) =>
      withResponse({
        ...defaultVisitName("month", m),
        offset: month(m),
        window: pm(14),
        labs: [...CBC, ...B_CELLS_IG, ...(indication === "sle" ? [LAB.ana] : [])],
        activities: [
          "CAR-T persistence (qPCR)",
          ...(m === 6 ? ["CIBMTR F4100 / EBMT 6-month report"] : []),
          ...(m === 12 ? ["CIBMTR F4100 / EBMT 1-year report"] : []),
        ],
        ltfuItems: m === 12 ? ALL_LTFU : [],
        ...(m === 12
          ? { registryWindow: { registry: "CIBMTR F4100 1 year", fromDay: 365, toDay: 425 } }
          : {}),
      }),
    ),
    // M18, M24, ± 30 d (design default): primary follow-up ends (e.g. 2 years).
    ...[18, 24].map((m) =>
      withResponse({
        ...defaultVisitName("month", m),
        offset: month(m),
        window: pm(30),
        labs: [...CBC, ...B_CELLS_IG],
        activities: ["CAR-T persistence (qPCR)"],
        ltfuItems: m === 24 ? ALL_LTFU : [],
      }),
    ),
    // Years 3–15, ± 60 d (design default; notes: ± 30–60 d): LTFU contact.
    ...ltfuYearVisits(3, LTFU_YEARS),
  ];
  return VisitSchedule.parse({
    name: `Default CAR-T visit schedule (${indication}; design defaults)`,
    visits,
  });
}

/** Yearly LTFU contacts: physical exam or health check and a blood sample [S28], ± 60 d. */
function ltfuYearVisits(from: number, to: number): VisitInput[] {
  const out: VisitInput[] = [];
  for (let y = from; y <= to; y++)
    out.push({
      ...defaultVisitName("year", y),
      offset: year(y),
      window: pm(60),
      labs: [...CBC],
      activities: ["physical exam or health check", "blood sample"],
      ltfuItems: ALL_LTFU,
    });
  return out;
}

/**
 * A stand-alone LTFU schedule (e.g. a commercial product outside a trial): yearly contacts from
 * year 1 to year 15 for integrating vectors, null when the rule does not require one.
 */
export function longTermFollowUpSchedule(vector: VectorType): VisitSchedule | null {
  const years = ltfuYears(vector);
  if (years === null) return null;
  return VisitSchedule.parse({
    name: `Long-term follow-up, ${years} years (${vector} vector)`,
    visits: ltfuYearVisits(1, years),
  });
}
