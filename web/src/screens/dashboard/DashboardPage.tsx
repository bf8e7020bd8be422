import { Badge, Group, SimpleGrid, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type { Dashboard } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { serverText } from "../../i18n/server-text.ts";
import { isoDate, studyDay } from "../../ui/format.ts";
import { Panel } from "../../ui/Panel.tsx";
import { PatientLink } from "../../ui/PatientLink.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteDate } from "../../ui/site-time.ts";
import { visitName } from "../../ui/visit-name.ts";
import { JourneyStages } from "./JourneyStages.tsx";

const gradeColour = (g: number) => (g >= 3 ? "red.9" : g === 2 ? "orange.9" : "yellow.9");

export function DashboardPage() {
  const { site } = useSession();
  const { t } = useTranslation();
  const siteId = site?.id ?? "";
  const dashboard = useApi(() => api.get<Dashboard>("/api/v1/dashboard", { siteId }), [siteId]);

  return (
    <>
      <Title order={1} mb="md">
        {t("dashboard.title", { site: site?.code })}
      </Title>
      <Status loaded={dashboard}>
        {(d) => (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Panel title={t("dashboard.stages")} hidden={d.journeyStages === null}>
              <JourneyStages stages={d.journeyStages ?? []} />
            </Panel>

            <Panel title={t("dashboard.visits")} hidden={d.visits === null}>
              {d.visits && (
                <>
                  <Group mb="xs">
                    <Badge size="lg" color="indigo.8">
                      {t("dashboard.dueBetween", {
                        count: d.visits.dueThisWeek,
                        from: isoDate(d.week.from),
                        to: isoDate(d.week.to),
                      })}
                    </Badge>
                    <Badge size="lg" color={d.visits.overdue ? "red.9" : "gray.7"}>
                      {t("dashboard.overdueCount", { count: d.visits.overdue })}
                    </Badge>
                  </Group>
                  <Table.ScrollContainer minWidth={360} mah={260}>
                    <Table stickyHeader>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col">{t("common.patient")}</Table.Th>
                          <Table.Th scope="col">{t("dashboard.visit")}</Table.Th>
                          <Table.Th scope="col">{t("dashboard.window")}</Table.Th>
                          <Table.Th scope="col">{t("common.status")}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {d.visits.items.map((v) => (
                          <Table.Tr key={v.visitId}>
                            <Table.Td>
                              <PatientLink id={v.patientId} code={v.subjectCode} />
                            </Table.Td>
                            <Table.Td>{visitName(v.code, v.label)}</Table.Td>
                            <Table.Td>
                              {isoDate(v.windowStart)} – {isoDate(v.windowEnd)}
                            </Table.Td>
                            <Table.Td>
                              {v.status === "overdue" ? (
                                <Text c="red.9" size="sm" fw={600}>
                                  {t("dashboard.overdueDays", { count: v.daysOverdue })}
                                </Text>
                              ) : (
                                (lookup(`visitStatus.${v.status}`) ?? v.status)
                              )}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </>
              )}
            </Panel>

            <Panel title={t("dashboard.products")} hidden={d.products === null}>
              {d.products?.length === 0 && <Text size="sm">{t("dashboard.noProducts")}</Text>}
              {d.products && d.products.length > 0 && (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t("common.patient")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.where")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.state")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.daysSinceCollection")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.daysInState")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.products.map((p) => (
                      <Table.Tr key={p.productId}>
                        <Table.Td>
                          <PatientLink id={p.patientId} code={p.subjectCode} />
                        </Table.Td>
                        <Table.Td>{lookup(`productPhase.${p.phase}`) ?? p.phase}</Table.Td>
                        <Table.Td>{lookup(`productState.${p.state}`) ?? p.state}</Table.Td>
                        <Table.Td>{p.daysSinceCollection ?? "—"}</Table.Td>
                        <Table.Td>{p.daysInState}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>

            <Panel title={t("dashboard.toxicities")} hidden={d.toxicities === null}>
              {d.toxicities?.length === 0 && <Text size="sm">{t("dashboard.noToxicities")}</Text>}
              {d.toxicities && d.toxicities.length > 0 && (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t("common.patient")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.toxicity")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.currentGrade")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.graded")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.toxicities.map((x) => (
                      <Table.Tr key={x.assessmentId}>
                        <Table.Td>
                          <PatientLink id={x.patientId} code={x.subjectCode} />
                        </Table.Td>
                        <Table.Td>{lookup(`toxicityName.${x.calculator}`) ?? x.calculator}</Table.Td>
                        <Table.Td>
                          <Text c={gradeColour(x.grade)} fw={700} size="sm">
                            {serverText(x.label, t("common.grade", { grade: x.grade }))}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {siteDate(x.assessedAt, site?.timeZone ?? "UTC")} ({studyDay(x.studyDay)})
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>

            <Panel title={t("dashboard.infusions")} hidden={d.recentInfusions === null}>
              {d.recentInfusions?.length === 0 && <Text size="sm">{t("dashboard.noInfusions")}</Text>}
              {d.recentInfusions && d.recentInfusions.length > 0 && (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t("common.patient")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.infused")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.today")}</Table.Th>
                      <Table.Th scope="col">{t("dashboard.armDose")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.recentInfusions.map((r) => (
                      <Table.Tr key={r.enrolmentId}>
                        <Table.Td>
                          <PatientLink id={r.patientId} code={r.subjectCode} />
                        </Table.Td>
                        <Table.Td>{isoDate(r.infusionDate)}</Table.Td>
                        <Table.Td>{studyDay(r.studyDayToday)}</Table.Td>
                        <Table.Td>
                          {r.armCode} / {r.doseLevelCode ?? "—"}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>
          </SimpleGrid>
        )}
      </Status>
    </>
  );
}
