import { Stack } from "@mantine/core";
import { useParams } from "react-router";
import { ApiError, api, getAll } from "../../api/client.ts";
import type {
  AdverseEvent,
  Assessment,
  CarProduct,
  Condition,
  DerivedEndpoint,
  Enrolment,
  Identity,
  Patient,
  PatientCourse,
  Study,
  Timeline,
  TimelineItem,
} from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { GradeLinks } from "../grading/GradeLinks.tsx";
import { JourneyPanel } from "../journey/JourneyPanel.tsx";
import { AdverseEvents } from "./AdverseEvents.tsx";
import { Assessments } from "./Assessments.tsx";
import { Conditions } from "./Conditions.tsx";
import { EnrolForm } from "./EnrolForm.tsx";
import { KineticsPanel } from "./KineticsPanel.tsx";
import { MilestoneStrip } from "./MilestoneStrip.tsx";
import { type Milestone, storyMilestones } from "./milestones.ts";
import { NoteForm } from "./NoteForm.tsx";
import { PatientCharts } from "./PatientCharts.tsx";
import { PatientHeader } from "./PatientHeader.tsx";
import { PatientTimeline } from "./PatientTimeline.tsx";

export interface PatientRecord {
  patient: Patient;
  identity: Identity | null;
  conditions: Condition[];
  enrolment: Enrolment | null;
  study: Study | null;
  product: CarProduct | null;
  timeline: Timeline;
  course: PatientCourse;
  assessments: Assessment[];
  adverseEvents: AdverseEvent[];
  milestones: Milestone[];
}

/** The derived endpoints (the milestones' source); none when the role may not read them. */
async function endpointsOf(patientId: string): Promise<DerivedEndpoint[]> {
  try {
    return (
      await api.get<{ endpoints: DerivedEndpoint[] }>(`/api/v1/patients/${patientId}/derived/endpoints`)
    ).endpoints;
  } catch (e) {
    if (e instanceof ApiError && e.status < 500) return [];
    throw e;
  }
}

/** The timeline is paged like every list; the page keeps reading until the end. */
async function wholeTimeline(patientId: string): Promise<Timeline> {
  const path = `/api/v1/patients/${patientId}/timeline`;
  const first = await api.get<Timeline>(path, { limit: 1000 });
  const items: TimelineItem[] = [...first.items];
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await api.get<Timeline>(path, { limit: 1000, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  return { ...first, items, nextCursor: null };
}

async function identityOf(patientId: string): Promise<Identity | null> {
  try {
    return await api.get<Identity>(`/api/v1/patients/${patientId}/identity`);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
    throw e;
  }
}

/** Everything the patient page shows; the printed case report (screens/reports) reads the same. */
export async function loadRecord(patientId: string, mayReadIdentity: boolean): Promise<PatientRecord> {
  const q = { patientId };
  const [patient, identity, conditions, enrolments, timeline, course, assessments, endpoints, adverseEvents] =
    await Promise.all([
      api.get<Patient>(`/api/v1/patients/${patientId}`),
      // Identity reads are audited; ask only when the role may read it at all.
      mayReadIdentity ? identityOf(patientId) : Promise.resolve(null),
      getAll<Condition>("/api/v1/conditions", q),
      getAll<Enrolment>("/api/v1/enrolments", q),
      wholeTimeline(patientId),
      // The charts' points, study days and steroid equivalents are computed by the server.
      api.get<PatientCourse>(`/api/v1/patients/${patientId}/course`),
      getAll<Assessment>(`/api/v1/patients/${patientId}/assessments`),
      endpointsOf(patientId),
      getAll<AdverseEvent>("/api/v1/adverse-events", q),
    ]);
  const enrolment = enrolments.find((e) => e.infusionDate) ?? enrolments[0] ?? null;
  const [study, products] = enrolment
    ? await Promise.all([
        api.get<Study>(`/api/v1/studies/${enrolment.studyId}`),
        getAll<CarProduct>("/api/v1/products", { studyId: enrolment.studyId }),
      ])
    : [null, []];
  const product = products.find((p) => p.studyId === enrolment?.studyId) ?? null;
  return {
    patient,
    identity,
    conditions,
    enrolment,
    study,
    product,
    timeline,
    course,
    assessments,
    adverseEvents,
    milestones: storyMilestones(enrolment?.infusionDate ?? null, endpoints, timeline.items),
  };
}

export function PatientPage() {
  const { patientId = "" } = useParams();
  const { site, hasRole } = useSession();
  const mayReadIdentity = site ? hasRole(site.id, "investigator", "coordinator") : false;
  const mayWrite = site ? hasRole(site.id, "investigator", "coordinator") : false;
  const record = useApi(() => loadRecord(patientId, mayReadIdentity), [patientId, mayReadIdentity]);

  return (
    <Status loaded={record}>
      {(r) => {
        const { today, todayStudyDay, course } = r.course;
        return (
          <Stack gap="lg">
            <PatientHeader
              patient={r.patient}
              identity={r.identity}
              conditions={r.conditions}
              enrolment={r.enrolment}
              study={r.study}
              product={r.product}
              dayToday={todayStudyDay}
            />
            <Conditions
              patientId={r.patient.id}
              items={r.conditions}
              mayWrite={mayWrite}
              onSaved={record.reload}
            />
            {mayWrite && !r.enrolment && <EnrolForm patient={r.patient} onSaved={record.reload} />}
            <MilestoneStrip milestones={r.milestones} />
            {r.enrolment && site && (
              <JourneyPanel
                enrolmentId={r.enrolment.id}
                studyId={r.enrolment.studyId}
                timeZone={site.timeZone}
                mayWrite={mayWrite}
                onMoved={record.reload}
              />
            )}
            {course && <PatientCharts course={course} milestones={r.milestones} />}
            {r.enrolment?.infusionDate && <KineticsPanel patientId={r.patient.id} />}
            <AdverseEvents items={r.adverseEvents} />
            <Assessments items={r.assessments} />
            {mayWrite && <GradeLinks patientId={r.patient.id} />}
            {mayWrite && <NoteForm patientId={r.patient.id} onSaved={record.reload} />}
            <PatientTimeline items={r.timeline.items} today={today} />
          </Stack>
        );
      }}
    </Status>
  );
}
