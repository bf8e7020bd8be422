/**
 * Response schemas of protocol visits, the worklist, the iCalendar feed and lab imports
 * (routes/visits.ts, routes/lab-import.ts), checked against the services' types in
 * test/unit/http-contract.test.ts.
 */
import { z } from "zod";
import { LTFU_OUTCOMES } from "../../domain/long-term-follow-up.ts";
import { LTFU_ITEM_CODES, LTFU_ITEM_WHEN, VisitSchedule } from "../../domain/visit-schedule.ts";
import { textBody } from "../openapi.ts";

const str = z.string();
const maybeStr = str.nullable();
const num = z.number();

const VisitStatusSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("upcoming"), opensInDays: num }),
  z.object({ status: z.literal("due"), closesInDays: num }),
  z.object({ status: z.literal("overdue"), daysOverdue: num }),
  z.object({ status: z.literal("done"), doneOn: str, inWindow: z.boolean(), daysOutsideWindow: num }),
  z.object({ status: z.literal("missed"), reason: str }),
  z.object({ status: z.literal("closed"), closedOn: str, reason: str }),
]);

export const VisitSchema = z
  .object({
    id: str,
    enrolmentId: str,
    patientId: str,
    siteId: str,
    subjectCode: str,
    schedule: str,
    code: str,
    label: str,
    nominalDate: str,
    nominalDay: num,
    windowStart: str,
    windowEnd: str,
    registryWindow: z.object({ registry: str, start: str, end: str }).nullable(),
    expected: z.object({
      assessments: z.array(str),
      labs: z.array(str),
      activities: z.array(str),
      ltfuItems: z.array(str),
    }),
    doneOn: maybeStr,
    missedReason: maybeStr,
    closedOn: maybeStr,
    closedReason: maybeStr,
    ltfuRecord: z.record(str, z.object({ outcome: str, note: maybeStr })).nullable(),
    today: str,
    studyDayToday: num,
    status: VisitStatusSchema,
    version: num,
    updatedAt: str,
  })
  .meta({ id: "Visit" });

export const WorklistSchema = z
  .object({
    sites: z.array(z.object({ siteId: str, siteCode: str, today: str, from: str, to: str })),
    items: z.array(VisitSchema.extend({ siteCode: str })),
    nextCursor: maybeStr,
  })
  .meta({ id: "Worklist" });

export const VisitsCalendar = textBody(
  "text/calendar",
  "iCalendar (RFC 5545): one all-day event per open visit window, subject codes only",
);

export const LabImportSchema = z
  .object({
    id: str,
    siteId: str,
    format: z.enum(["csv", "fhir"]),
    fileName: maybeStr,
    sha256: str,
    rowCount: num,
    convertedCount: num,
    createdCount: num,
    correctedCount: num,
    retractedCount: num,
    unchangedCount: num,
    skippedCount: num,
    createdAt: str,
    createdBy: str,
  })
  .meta({ id: "LabImport" });

const ContactStatus = z.enum(["not-scheduled", "upcoming", "due", "overdue", "done", "missed", "closed"]);

export const LtfuContactListSchema = z
  .object({
    sites: z.array(z.object({ siteId: str, siteCode: str, today: str, year: num })),
    ltfuItems: z
      .array(
        z.object({
          code: z.enum(LTFU_ITEM_CODES),
          label: str,
          collect: str,
          when: z.enum(LTFU_ITEM_WHEN),
          source: str,
        }),
      )
      .describe(
        "what each LTFU item is, when it is owed and its source; a contact's items name them by code",
      ),
    items: z.array(
      z.object({
        enrolmentId: str,
        patientId: str,
        subjectCode: str,
        siteId: str,
        siteCode: str,
        infusionDate: str,
        products: z.array(z.object({ code: str, vectorType: str })),
        year: num,
        anniversary: str,
        visit: z.object({ id: str, code: str, windowStart: str, windowEnd: str }).nullable(),
        status: ContactStatus,
        doneOn: maybeStr,
        missedReason: maybeStr,
        complete: z.boolean(),
        items: z.array(
          z.object({
            code: z.enum(LTFU_ITEM_CODES),
            recorded: z.boolean(),
            outcome: z.enum(LTFU_OUTCOMES).nullable(),
            note: maybeStr,
          }),
        ),
      }),
    ),
    productsWithoutVectorType: z.array(str),
    nextCursor: maybeStr,
  })
  .meta({ id: "LtfuContactList" });

export const LostToFollowUpSchema = z
  .object({
    items: z.array(
      z.object({
        enrolmentId: str,
        patientId: str,
        subjectCode: str,
        siteId: str,
        siteCode: str,
        infusionDate: str,
        journeyState: maybeStr,
        lost: z.boolean(),
        basis: z.enum(["declared", "consecutive-contacts-not-done"]).nullable(),
        contactsNotDone: z.array(z.object({ year: num, status: ContactStatus, windowEnd: maybeStr })),
        lastContactDone: maybeStr,
        reason: str,
      }),
    ),
    nextCursor: maybeStr,
  })
  .meta({ id: "LostToFollowUp" });

const Source = z.enum(["arm", "study", "default"]);

export const StudyScheduleSchema = z
  .object({
    id: str,
    studyId: str,
    armCode: maybeStr,
    name: str,
    schedule: VisitSchedule,
    version: num,
    createdAt: str,
    updatedAt: str,
  })
  .meta({ id: "StudySchedule" });

export const StudyScheduleSetResultSchema = z
  .object({
    schedule: StudyScheduleSchema,
    regenerated: z.array(
      z.object({
        enrolmentId: str,
        schedule: maybeStr,
        created: z.array(str),
        moved: z.array(str),
        removed: z.array(str),
        keptRecorded: z.array(str),
      }),
    ),
    warnings: z.array(str),
  })
  .meta({ id: "StudyScheduleSetResult" });

export const StudySchedulesSchema = z
  .object({
    studyId: str,
    stored: z.array(StudyScheduleSchema),
    arms: z.array(z.object({ armCode: str, source: Source, scheduleName: str })),
    effective: z.object({ armCode: str, source: Source, schedule: VisitSchedule }).optional(),
  })
  .meta({ id: "StudySchedules" });

export const VisitDraftsSchema = z
  .object({
    visitId: str,
    patientId: str,
    visitCode: str,
    assessmentDate: str,
    windowDays: num,
    limits: z.object({ c3LowerMgDl: num, c4LowerMgDl: num, antiDsDnaUpperIuMl: num }),
    drafts: z.array(
      z.object({
        calculator: str,
        title: str,
        input: z.record(str, z.unknown()),
        prefilled: z.array(
          z.object({
            field: str,
            value: z.unknown(),
            rule: str,
            sources: z.array(
              z.object({
                kind: z.enum(["observation", "medication", "clinical-event"]),
                id: str,
                date: str,
                summary: str,
              }),
            ),
            confirm: str.optional(),
          }),
        ),
        unfilled: z.array(z.object({ field: str, reason: str })),
        notes: z.array(str),
      }),
    ),
    store: z.object({
      method: z.literal("POST"),
      path: str,
      body: z.object({ calculator: str, inputs: str, assessedAt: str, visitId: str }),
    }),
  })
  .meta({ id: "VisitDrafts" });
