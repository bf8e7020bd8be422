/**
 * What every domain needs to know of one subject: USUBJID, the reference start date for --DY, and
 * how to write a time as --DTC. Times are written in the site's local time without an offset, as
 * SDTMIG 3.4 section 4.4.2 describes --DTC (ISO 8601 extended format), and study days come from
 * the one study-day rule (domain/study-day.ts).
 */
import { localDate, localDateTime, sdtmStudyDay } from "../study-day.ts";
import type { SourceSubject, StudySource } from "./model.ts";

export interface SubjectContext {
  studyId: string;
  usubjid: string;
  subject: SourceSubject;
  /** RFSTDTC as a date: the CAR-T infusion; null when the subject was not infused */
  referenceDate: string | null;
  /** an instant as site-local ISO 8601 date and time */
  dtc: (at: Date) => string;
  /** an instant's site-local calendar date */
  date: (at: Date) => string;
  /** SDTM study day of a calendar date (or an ISO 8601 date-time), null without a reference */
  dy: (dtc: string | null) => number | null;
}

/** USUBJID: study and subject code (SDTMIG 3.4 DM: unique across all studies of the submission). */
export const usubjidOf = (studyId: string, subjectCode: string) => `${studyId}-${subjectCode}`;

export function subjectContext(study: StudySource, subject: SourceSubject): SubjectContext {
  const referenceDate = subject.infusionDate;
  return {
    studyId: study.studyId,
    usubjid: usubjidOf(study.studyId, subject.subjectCode),
    subject,
    referenceDate,
    dtc: (at) => localDateTime(at, subject.timeZone),
    date: (at) => localDate(at, subject.timeZone),
    // --DY is only for complete dates (SDTMIG 3.4 section 4.4.4).
    dy: (dtc) =>
      referenceDate !== null && dtc !== null && /^\d{4}-\d{2}-\d{2}/.test(dtc)
        ? sdtmStudyDay(dtc.slice(0, 10), referenceDate)
        : null,
  };
}
