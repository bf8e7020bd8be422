import { Badge, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { api } from "../../api/client.ts";
import type { DerivedEndpoint } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { ColumnHeads } from "../../ui/ColumnHeads.tsx";
import { Status } from "../../ui/Status.tsx";
import { Assessments } from "../patients/Assessments.tsx";
import { PatientCharts } from "../patients/PatientCharts.tsx";
import { PatientHeader } from "../patients/PatientHeader.tsx";
import { loadRecord } from "../patients/PatientPage.tsx";
import { PatientTimeline } from "../patients/PatientTimeline.tsx";
import { ReportPage, ReportTitle } from "./ReportPage.tsx";

const STATUS_COLOUR = { met: "green.9", "not-met": "gray.7", "not-evaluable": "orange.9" } as const;

/**
 * A single-patient case report for a meeting, as `v2v report patient` prints it: pseudonymous
 * (subject code, never identity), with the course charts, the derived endpoints (response,
 * remission, B-cell aplasia, CAR-T kinetics) each with its date and study day, the stored gradings
 * and the story's timeline.
 */
export function PatientReport() {
  const { t } = useTranslation();
  const { patientId = "" } = useParams();
  const loaded = useApi(async () => {
    const [record, derived, health] = await Promise.all([
      loadRecord(patientId, false),
      api.get<{ endpoints: DerivedEndpoint[] }>(`/api/v1/patients/${patientId}/derived/endpoints`),
      api.get<{ version: string }>("/api/health"),
    ]);
    return { record, endpoints: derived.endpoints, version: health.version };
  }, [patientId]);
  return (
    <ReportPage>
      <Status loaded={loaded}>
        {({ record: r, endpoints, version }) => (
          <Stack gap="md" data-report-ready="true">
            <ReportTitle titleKey="cohort.report.caseTitle" suffix={` — ${r.patient.subjectCode}`} />
            <PatientHeader
              patient={r.patient}
              identity={null}
              conditions={r.conditions}
              enrolment={r.enrolment}
              study={r.study}
              product={r.product}
              dayToday={r.course.todayStudyDay}
            />
            {r.course.course && <PatientCharts course={r.course.course} />}
            <section aria-labelledby="endpoints-title">
              <Title order={2} size="h3" id="endpoints-title" mb="xs">
                {t("cohort.report.endpointsTitle")}
              </Title>
              <Table aria-label={t("cohort.report.endpointsTable")}>
                <ColumnHeads
                  names={(["endpoint", "result", "date", "studyDay", "status"] as const).map((k) =>
                    t(`cohort.report.${k}`),
                  )}
                />
                <Table.Tbody>
                  {endpoints.map((e) => (
                    <Table.Tr key={e.key}>
                      <Table.Th scope="row">{e.title}</Table.Th>
                      <Table.Td>
                        {e.value === null ? "–" : String(e.value)}
                        {e.unit ? ` ${e.unit}` : ""}
                      </Table.Td>
                      <Table.Td>{e.date ?? "–"}</Table.Td>
                      <Table.Td>{e.studyDay ?? "–"}</Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLOUR[e.status]} variant="light">
                          {e.status}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </section>
            <Assessments items={r.assessments} />
            <PatientTimeline items={r.timeline.items} today={r.course.today} />
            <Text size="xs" c="dimmed">
              {t("cohort.report.pseudonymous", { version })}
            </Text>
          </Stack>
        )}
      </Status>
    </ReportPage>
  );
}
