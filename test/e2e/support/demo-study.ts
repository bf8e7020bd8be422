/**
 * The demo's Shenzhen site and the study, arm and dose level of its reference patient (SZ-0001):
 * what the browser tests that enrol a new patient into the demo's study read first.
 */
import type { ApiAs } from "./api-as.ts";

export interface DemoStudy {
  site: { id: string; code: string; timeZone: string };
  studyId: string;
  armCode: string;
  doseLevelCode: string | null;
}

export async function demoStudyAtShenzhen(api: ApiAs): Promise<DemoStudy> {
  const sites = await api.get<{ items: { id: string; code: string; timeZone: string }[] }>("/api/v1/sites");
  const site = sites.items.find((s) => s.code === "SZ")!;
  const reference = (
    await api.get<{ items: { id: string; subjectCode: string }[] }>(
      `/api/v1/patients?siteId=${site.id}&limit=500`,
    )
  ).items.find((p) => p.subjectCode === "SZ-0001")!;
  const enrolment = (
    await api.get<{ items: { studyId: string; armCode: string; doseLevelCode: string | null }[] }>(
      `/api/v1/enrolments?patientId=${reference.id}`,
    )
  ).items[0]!;
  return {
    site,
    studyId: enrolment.studyId,
    armCode: enrolment.armCode,
    doseLevelCode: enrolment.doseLevelCode,
  };
}
