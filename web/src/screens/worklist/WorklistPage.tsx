/**
 * Protocol visits due and overdue at the site (GET /api/v1/worklist), filtered by period and
 * status, each with the patient, the study day today and the window; done/missed is recorded on
 * the patient's visit list under "Enter data".
 */
import { Anchor, Badge, Checkbox, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";

interface WorklistItem {
  id: string;
  patientId: string;
  subjectCode: string;
  code: string;
  label: string;
  nominalDate: string;
  windowStart: string;
  windowEnd: string;
  studyDayToday: number;
  status: { status: string; daysOverdue?: number; closesInDays?: number };
  siteCode: string;
}

interface Worklist {
  sites: { siteId: string; today: string; from: string; to: string }[];
  items: WorklistItem[];
  truncated: boolean;
}

export function WorklistPage() {
  const { site } = useSession();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [statuses, setStatuses] = useState<string[]>(["due", "overdue"]);
  const [find, setFind] = useState("");
  const list = useApi(
    () =>
      api.get<Worklist>("/api/v1/worklist", {
        siteId: site?.id,
        from: from || undefined,
        to: to || undefined,
        status: statuses.join(","),
      }),
    [site?.id, from, to, statuses.join(",")],
  );

  return (
    <Stack>
      <Title order={1}>Worklist — {site?.code}</Title>
      <Group align="end" wrap="wrap">
        <TextInput
          type="date"
          label="From"
          size="md"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label="To"
          size="md"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
        <Checkbox.Group label="Show" value={statuses} onChange={(v) => v.length && setStatuses(v)}>
          <Group mt={6}>
            <Checkbox value="due" label="Due" size="md" />
            <Checkbox value="overdue" label="Overdue" size="md" />
          </Group>
        </Checkbox.Group>
        <TextInput
          label="Subject code"
          size="md"
          value={find}
          onChange={(e) => setFind(e.currentTarget.value)}
        />
      </Group>
      <Status loaded={list}>
        {(w) => {
          const q = find.trim().toLowerCase();
          const items = w.items.filter((i) => !q || i.subjectCode.toLowerCase().includes(q));
          const period = w.sites[0];
          return (
            <Table striped highlightOnHover captionSide="top" verticalSpacing="sm">
              <Table.Caption>
                {items.length} visits
                {period ? ` · due ${period.from} to ${period.to} (today ${period.today})` : ""}
                {w.truncated ? " · more matched than shown" : ""}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Subject</Table.Th>
                  <Table.Th scope="col">Visit</Table.Th>
                  <Table.Th scope="col">Window</Table.Th>
                  <Table.Th scope="col">Study day today</Table.Th>
                  <Table.Th scope="col">Record</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((v) => (
                  <Table.Tr key={v.id} data-status={v.status.status}>
                    <Table.Td>
                      <Badge color={v.status.status === "overdue" ? "red.8" : "blue.8"} variant="filled">
                        {v.status.status}
                      </Badge>
                      <Text size="xs">
                        {v.status.daysOverdue !== undefined
                          ? `${v.status.daysOverdue} days overdue`
                          : v.status.closesInDays !== undefined
                            ? `window closes in ${v.status.closesInDays} days`
                            : ""}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/patients/${v.patientId}`}>
                        {v.subjectCode}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      {v.label} ({v.code})
                    </Table.Td>
                    <Table.Td>
                      {v.windowStart} – {v.windowEnd}
                    </Table.Td>
                    <Table.Td>D{v.studyDayToday}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/entry/${v.patientId}/visits`}>
                        done / missed
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              {items.length === 0 && (
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Td colSpan={6}>
                      <Text c="dimmed">Nothing due or overdue.</Text>
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              )}
            </Table>
          );
        }}
      </Status>
    </Stack>
  );
}
