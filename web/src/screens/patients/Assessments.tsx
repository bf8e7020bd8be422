import { List, Table, Text, Title } from "@mantine/core";
import type { Assessment } from "../../api/types.ts";
import { useSession } from "../../auth/session.tsx";
import { studyDay } from "../../ui/format.ts";
import { siteDate } from "../../ui/site-time.ts";

/** Stored gradings with the reasons the calculator gave, newest last (as the story reads). */
export function Assessments({ items }: { items: Assessment[] }) {
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const rows = items
    .filter((a) => a.status === "final")
    .sort((a, b) => a.assessedAt.localeCompare(b.assessedAt));
  return (
    <section aria-labelledby="assessments-title">
      <Title order={2} size="h3" id="assessments-title" mb="xs">
        Assessments
      </Title>
      {rows.length === 0 ? (
        <Text size="sm">No stored assessment.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Date</Table.Th>
                <Table.Th scope="col">Assessment</Table.Th>
                <Table.Th scope="col">Result</Table.Th>
                <Table.Th scope="col">Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {siteDate(a.assessedAt, timeZone)}
                    <br />
                    <Text size="xs" c="dark.4" component="span">
                      {studyDay(a.studyDay)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {a.calculator}
                    <br />
                    <Text size="xs" c="dark.4" component="span">
                      {a.ruleSet}
                      {a.source !== "entered" ? ` · ${a.source}` : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td fw={700}>{a.label}</Table.Td>
                  <Table.Td>
                    <List size="xs" spacing={2}>
                      {a.result.reasons.map((r) => (
                        <List.Item key={r}>{r}</List.Item>
                      ))}
                    </List>
                    {a.note && (
                      <Text size="xs" c="dark.4" mt={4}>
                        Note: {a.note}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}
