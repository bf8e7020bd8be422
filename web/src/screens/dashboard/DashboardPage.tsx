import { Badge, Group, SimpleGrid, Table, Text, Title } from "@mantine/core";
import { api } from "../../api/client.ts";
import type { Dashboard } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { studyDay } from "../../ui/format.ts";
import { Panel } from "../../ui/Panel.tsx";
import { PatientLink } from "../../ui/PatientLink.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteDate } from "../../ui/site-time.ts";
import { JourneyStages } from "./JourneyStages.tsx";

const gradeColour = (g: number) => (g >= 3 ? "red.9" : g === 2 ? "orange.9" : "yellow.9");
const CALCULATOR_NAMES: Record<string, string> = {
  crs: "CRS",
  icans: "ICANS",
  "ctcae-hematology": "CTCAE haematology",
  icaht: "ICAHT",
  "iec-hs": "IEC-HS",
};

export function DashboardPage() {
  const { site } = useSession();
  const siteId = site?.id ?? "";
  const dashboard = useApi(() => api.get<Dashboard>("/api/v1/dashboard", { siteId }), [siteId]);

  return (
    <>
      <Title order={1} mb="md">
        Program dashboard — {site?.code}
      </Title>
      <Status loaded={dashboard}>
        {(d) => (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <Panel title="Patients by journey stage" hidden={d.journeyStages === null}>
              <JourneyStages stages={d.journeyStages ?? []} />
            </Panel>

            <Panel title="Visits this week" hidden={d.visits === null}>
              {d.visits && (
                <>
                  <Group mb="xs">
                    <Badge size="lg" color="indigo.8">
                      {d.visits.dueThisWeek} due {d.week.from} to {d.week.to}
                    </Badge>
                    <Badge size="lg" color={d.visits.overdue ? "red.9" : "gray.7"}>
                      {d.visits.overdue} overdue
                    </Badge>
                  </Group>
                  <Table.ScrollContainer minWidth={360} mah={260}>
                    <Table stickyHeader>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col">Patient</Table.Th>
                          <Table.Th scope="col">Visit</Table.Th>
                          <Table.Th scope="col">Window</Table.Th>
                          <Table.Th scope="col">Status</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {d.visits.items.map((v) => (
                          <Table.Tr key={v.visitId}>
                            <Table.Td>
                              <PatientLink id={v.patientId} code={v.subjectCode} />
                            </Table.Td>
                            <Table.Td>{v.label}</Table.Td>
                            <Table.Td>
                              {v.windowStart} – {v.windowEnd}
                            </Table.Td>
                            <Table.Td>
                              {v.status === "overdue" ? (
                                <Text c="red.9" size="sm" fw={600}>
                                  overdue {v.daysOverdue} d
                                </Text>
                              ) : (
                                v.status
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

            <Panel title="Products in manufacturing and in transit" hidden={d.products === null}>
              {d.products?.length === 0 && (
                <Text size="sm">No product is between collection and the ward.</Text>
              )}
              {d.products && d.products.length > 0 && (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Where</Table.Th>
                      <Table.Th scope="col">State</Table.Th>
                      <Table.Th scope="col">Days since collection</Table.Th>
                      <Table.Th scope="col">Days in state</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.products.map((p) => (
                      <Table.Tr key={p.productId}>
                        <Table.Td>
                          <PatientLink id={p.patientId} code={p.subjectCode} />
                        </Table.Td>
                        <Table.Td>{p.phase}</Table.Td>
                        <Table.Td>{p.state}</Table.Td>
                        <Table.Td>{p.daysSinceCollection ?? "—"}</Table.Td>
                        <Table.Td>{p.daysInState}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>

            <Panel title="Open toxicities" hidden={d.toxicities === null}>
              {d.toxicities?.length === 0 && (
                <Text size="sm">No toxicity graded 1 or more in the last 30 days.</Text>
              )}
              {d.toxicities && d.toxicities.length > 0 && (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Toxicity</Table.Th>
                      <Table.Th scope="col">Current grade</Table.Th>
                      <Table.Th scope="col">Graded</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.toxicities.map((t) => (
                      <Table.Tr key={t.assessmentId}>
                        <Table.Td>
                          <PatientLink id={t.patientId} code={t.subjectCode} />
                        </Table.Td>
                        <Table.Td>{CALCULATOR_NAMES[t.calculator] ?? t.calculator}</Table.Td>
                        <Table.Td>
                          <Text c={gradeColour(t.grade)} fw={700} size="sm">
                            {t.label}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {siteDate(t.assessedAt, site?.timeZone ?? "UTC")} ({studyDay(t.studyDay)})
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Panel>

            <Panel title="Recent infusions" hidden={d.recentInfusions === null}>
              {d.recentInfusions?.length === 0 && <Text size="sm">No infusion yet at this site.</Text>}
              {d.recentInfusions && d.recentInfusions.length > 0 && (
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Patient</Table.Th>
                      <Table.Th scope="col">Infused</Table.Th>
                      <Table.Th scope="col">Today</Table.Th>
                      <Table.Th scope="col">Arm / dose level</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {d.recentInfusions.map((r) => (
                      <Table.Tr key={r.enrolmentId}>
                        <Table.Td>
                          <PatientLink id={r.patientId} code={r.subjectCode} />
                        </Table.Td>
                        <Table.Td>{r.infusionDate}</Table.Td>
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
