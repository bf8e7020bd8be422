/**
 * A patient's course around the infusion for the charts on the patient page: the series of
 * domain/patient-course.ts from the record, with today's date and study day at the site. Reading
 * needs `clinical:read` at the patient's site.
 */

import { CAR_COPIES_NOTE_PREFIX, parseCarCopiesNote } from "../domain/endpoints/car-copies-note.ts";
import { COURSE_CODES, type PatientCourse, patientCourse } from "../domain/patient-course.ts";
import { localDate, studyDay } from "../domain/study-day.ts";
import {
  clinicalEventsTitled,
  medicationsOfPatient,
  numericObservationsOf,
} from "../store/clinical-records.ts";
import type { ServiceContext } from "./context.ts";
import { patientForEndpoints } from "./derived-endpoints.ts";
import { glucocorticoidCoursesOf } from "./medications.ts";

export interface PatientCourseDto {
  patientId: string;
  timeZone: string;
  /** today at the site, and its study day once there is an infusion date */
  today: string;
  todayStudyDay: number | null;
  /** day 0; without it there is no course to draw (null) */
  infusionDate: string | null;
  course: PatientCourse | null;
}

export async function patientCourseOf(ctx: ServiceContext, patientId: string): Promise<PatientCourseDto> {
  // Patient, site time zone and day 0 in one round trip, as the timeline reads them.
  const { patient, known } = await patientForEndpoints(ctx, patientId);
  const { timeZone, infusionDate: day0 } = known;
  const today = localDate(ctx.now(), timeZone);
  const base = { patientId: patient.id, timeZone, today, infusionDate: day0 };
  if (!day0) return { ...base, todayStudyDay: null, course: null };
  const [observations, medications, notes] = await Promise.all([
    numericObservationsOf(ctx.db, patient.id, COURSE_CODES),
    medicationsOfPatient(ctx.db, patient.id),
    clinicalEventsTitled(ctx.db, patient.id, CAR_COPIES_NOTE_PREFIX),
  ]);
  const course = patientCourse({
    day0,
    timeZone,
    observations: observations.map((o) => ({
      code: o.code,
      value: o.value_number!,
      effectiveAt: o.effective_at,
    })),
    glucocorticoids: glucocorticoidCoursesOf(medications),
    copies: notes.flatMap((n) => {
      const reading = parseCarCopiesNote(n.title);
      return reading ? [{ occurredAt: n.occurred_at, reading }] : [];
    }),
  });
  return { ...base, todayStudyDay: studyDay(today, day0), course };
}
