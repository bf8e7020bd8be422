/**
 * A study's own protocol visit schedule, study-wide or for one arm, validated with the domain
 * VisitSchedule (every problem with its JSON Pointer under /schedule), versioned, audited with a
 * reason. Setting one regenerates the open visits of the study's infused enrolments it applies to,
 * by the same rules as a changed infusion date (services/visits.ts syncEnrolmentVisits): recorded
 * visits never move.
 */
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { DomainError, validationError } from "../domain/errors.ts";
import { uncoveredLtfuYears } from "../domain/long-term-follow-up.ts";
import { NonEmptyText, Reason, Version } from "../domain/schemas/common.ts";
import {
  defaultVisitSchedule,
  INTEGRATING_VECTORS,
  LTFU_YEARS,
  VisitSchedule,
} from "../domain/visit-schedule.ts";
import { carProductsWithVectors } from "../store/studies.ts";
import {
  findStudySchedule,
  infusedEnrolmentsOfStudy,
  insertStudySchedule,
  type StudyVisitScheduleRow,
  studySchedules,
  updateStudySchedule,
} from "../store/study-schedules.ts";
import { checkVersion } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { expectedVersion } from "./patients.ts";
import { loadStudyFor } from "./studies.ts";
import { parseInput } from "./validate.ts";
import { indicationOfArm, syncEnrolmentVisits, type VisitSyncSummary } from "./visits.ts";

export const StudyScheduleSet = z.object({
  /** the arm this schedule is for; absent or null for the study-wide schedule */
  armCode: NonEmptyText(20).nullish(),
  schedule: VisitSchedule,
  version: Version.optional(),
  reason: Reason,
});

export const StudyScheduleQuery = z.object({ armCode: NonEmptyText(20).optional() });

export interface StudyScheduleDto extends Record<string, unknown> {
  id: string;
  studyId: string;
  armCode: string | null;
  name: string;
  schedule: VisitSchedule;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const toDto = (r: StudyVisitScheduleRow): StudyScheduleDto => ({
  id: r.id,
  studyId: r.study_id,
  armCode: r.arm_code,
  name: r.name,
  schedule: r.schedule as VisitSchedule,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface StudyScheduleSetResult {
  schedule: StudyScheduleDto;
  /** enrolments whose open visits changed */
  regenerated: VisitSyncSummary[];
  /** things a reviewer should see that are not errors */
  warnings: string[];
}

export async function setStudySchedule(
  ctx: ServiceContext,
  studyId: string,
  raw: unknown,
  ifMatch?: number,
): Promise<StudyScheduleSetResult> {
  const input = parseInput(StudyScheduleSet, raw);
  const { study } = await loadStudyFor(ctx, studyId, "study:write");
  const armCode = input.armCode ?? null;
  if (armCode !== null && !study.arms.some((a) => a.code === armCode))
    throw validationError([
      {
        path: "/armCode",
        message: `The study has no arm ${armCode} (arms: ${study.arms.map((a) => a.code).join(", ")})`,
      },
    ]);
  return inTransaction(ctx, async (db) => {
    const current = await findStudySchedule(db, study.id, armCode);
    const now = ctx.now();
    const columns = { name: input.schedule.name, schedule: JSON.stringify(input.schedule) };
    let row: StudyVisitScheduleRow;
    if (current) {
      checkVersion(current.version, expectedVersion(ifMatch, input.version));
      const updated = await updateStudySchedule(db, current.id, current.version, columns, now);
      if (!updated)
        throw new DomainError(
          "conflict",
          "The schedule changed while you were saving it. Nothing was written; reload and retry.",
        );
      row = updated;
    } else {
      row = await insertStudySchedule(db, {
        id: uuidv7(),
        study_id: study.id,
        arm_code: armCode,
        ...columns,
        created_at: now,
        created_by: ctx.actor.userId,
        updated_at: now,
      });
    }
    await appendAudit(db, ctx, {
      action: current ? "update" : "create",
      entityType: "study-visit-schedule",
      entityId: row.id,
      siteId: study.lead_site_id,
      before: current ? { armCode, name: current.name, schedule: current.schedule } : null,
      after: { armCode, name: row.name, schedule: row.schedule },
      reason: input.reason,
    });

    // An arm's own schedule wins over the study-wide one, so a study-wide change leaves arms with
    // their own schedule alone; syncing them anyway would be a no-op.
    const armsWithOwn = new Set(
      (await studySchedules(db, study.id)).filter((s) => s.arm_code !== null).map((s) => s.arm_code),
    );
    const regenerated: VisitSyncSummary[] = [];
    for (const e of await infusedEnrolmentsOfStudy(db, study.id)) {
      if (armCode !== null ? e.arm_code !== armCode : armsWithOwn.has(e.arm_code)) continue;
      const summary = await syncEnrolmentVisits(db, ctx, e, {
        previousInfusionDate: e.infusion_date,
        reason: `Visit schedule "${row.name}" set for study ${study.short_name}${armCode ? ` arm ${armCode}` : ""}: ${input.reason}`,
      });
      if (summary.created.length + summary.moved.length + summary.removed.length > 0)
        regenerated.push(summary);
    }

    const warnings: string[] = [];
    const integrating = await carProductsWithVectors(db, study.id, INTEGRATING_VECTORS);
    const missing = uncoveredLtfuYears(input.schedule.visits, LTFU_YEARS);
    if (integrating.length > 0 && missing.length > 0)
      warnings.push(
        `Product ${integrating.map((p) => p.code).join(", ")} has an integrating vector: FDA's 2020 LTFU guidance ` +
          `expects yearly follow-up to year ${LTFU_YEARS}, but this schedule has no visit collecting LTFU items ` +
          `at year ${missing.join(", ")}. Those contacts will show as not scheduled.`,
      );
    return { schedule: toDto(row), regenerated, warnings };
  });
}

export interface StudySchedulesView {
  studyId: string;
  stored: StudyScheduleDto[];
  /** which schedule each arm follows */
  arms: { armCode: string; source: "arm" | "study" | "default"; scheduleName: string }[];
  /** with ?armCode=: the schedule that arm's enrolments follow */
  effective?: { armCode: string; source: "arm" | "study" | "default"; schedule: VisitSchedule };
}

export async function getStudySchedules(
  ctx: ServiceContext,
  studyId: string,
  raw: unknown = {},
): Promise<StudySchedulesView> {
  const q = parseInput(StudyScheduleQuery, raw);
  const { study } = await loadStudyFor(ctx, studyId, "study:read");
  if (q.armCode !== undefined && !study.arms.some((a) => a.code === q.armCode))
    throw validationError([{ path: "/armCode", message: `The study has no arm ${q.armCode}` }]);
  const stored = (await studySchedules(ctx.db, study.id)).map(toDto);
  const resolve = (armCode: string) => {
    const own = stored.find((s) => s.armCode === armCode);
    if (own) return { armCode, source: "arm" as const, schedule: own.schedule };
    const wide = stored.find((s) => s.armCode === null);
    if (wide) return { armCode, source: "study" as const, schedule: wide.schedule };
    return { armCode, source: "default" as const, schedule: defaultVisitSchedule(indicationOfArm(armCode)) };
  };
  return {
    studyId: study.id,
    stored,
    arms: study.arms.map((a) => {
      const r = resolve(a.code);
      return { armCode: a.code, source: r.source, scheduleName: r.schedule.name };
    }),
    ...(q.armCode !== undefined ? { effective: resolve(q.armCode) } : {}),
  };
}
