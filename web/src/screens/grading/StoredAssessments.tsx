/** The patient's stored assessments of one calculator, newest first, with their reasons and any warnings. */
import { Table, Text, Title } from "@mantine/core";
import { getAll } from "../../api/client.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { studyDay } from "../../ui/format.ts";
import { Status } from "../../ui/Status.tsx";
import { siteTime } from "../../ui/site-time.ts";
import type { StoredAssessment } from "./types.ts";

export function StoredAssessments({
  patientId,
  calculator,
  refresh,
}: {
  patientId: string;
  calculator: string;
  refresh: number;
}) {
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const list = useApi(
    () => getAll<StoredAssessment>(`/api/v1/patients/${patientId}/assessments`, { calculator }),
    [patientId, calculator, refresh],
  );
  return (
    <section aria-labelledby="stored-title">
      <Title order={2} size="h4" id="stored-title">
        Stored assessments
      </Title>
      <Status loaded={list}>
        {(items) =>
          items.length === 0 ? (
            <Text c="dimmed">None yet.</Text>
          ) : (
            <Table striped captionSide="top">
              <Table.Caption>{items.length} stored</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Assessed at</Table.Th>
                  <Table.Th scope="col">Study day</Table.Th>
                  <Table.Th scope="col">Result</Table.Th>
                  <Table.Th scope="col">Why</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...items].reverse().map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{siteTime(a.assessedAt, timeZone)}</Table.Td>
                    <Table.Td>{studyDay(a.studyDay)}</Table.Td>
                    <Table.Td fw={600}>{a.label}</Table.Td>
                    <Table.Td>
                      {(a.result.warnings?.length ?? 0) > 0 && (
                        <Text span c="yellow.9" fw={600}>
                          Check: {a.result.warnings!.map((w) => w.message).join(" ")}{" "}
                        </Text>
                      )}
                      {a.result.reasons.join("; ")}
                    </Table.Td>
                    <Table.Td>{a.status}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </Status>
    </section>
  );
}
