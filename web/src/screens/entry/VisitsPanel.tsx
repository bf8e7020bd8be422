/**
 * The patient's protocol visits with their windows; an open one is recorded as done on a date or
 * missed with a reason (PATCH /api/v1/visits/{id} with the version read, and a reason for the
 * audit trail).
 */
import { Badge, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteToday } from "../../ui/site-time.ts";
import { Outcome } from "./Outcome.tsx";
import { useSubmit } from "./useSubmit.ts";

interface Visit {
  id: string;
  code: string;
  label: string;
  nominalDate: string;
  windowStart: string;
  windowEnd: string;
  doneOn: string | null;
  missedReason: string | null;
  closedOn: string | null;
  closedReason: string | null;
  status: { status: string };
  version: number;
}

const OPEN = new Set(["due", "overdue", "upcoming"]);

export function VisitsPanel({ patientId }: { patientId: string }) {
  const [refresh, setRefresh] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const visits = useApi(
    () => api.get<{ items: Visit[] }>(`/api/v1/patients/${patientId}/visits`),
    [patientId, refresh],
  );
  const submit = useSubmit();

  return (
    <Stack>
      <Outcome done={submit.done} failure={submit.failure} errors={submit.errors} />
      <Status loaded={visits}>
        {({ items }) => {
          // By default what needs recording: due and overdue visits, and the next one coming up.
          const next = items.find((x) => x.status.status === "upcoming");
          const shown = showAll
            ? items
            : items.filter((v) => v.status.status === "due" || v.status.status === "overdue" || v === next);
          return (
            <>
              <Group>
                <Button variant="default" onClick={() => setShowAll((s) => !s)}>
                  {showAll
                    ? "Show only visits to record"
                    : `Show all ${items.length} visits, with those recorded`}
                </Button>
              </Group>
              <Table striped captionSide="top" verticalSpacing="sm">
                <Table.Caption>Protocol visits</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Visit</Table.Th>
                    <Table.Th scope="col">Window</Table.Th>
                    <Table.Th scope="col">Status</Table.Th>
                    <Table.Th scope="col">Record</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((v) => (
                    <Table.Tr key={v.id}>
                      <Table.Td>
                        {v.label} ({v.code})
                      </Table.Td>
                      <Table.Td>
                        {v.windowStart} – {v.windowEnd}
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="filled"
                          color={
                            v.status.status === "overdue"
                              ? "red.8"
                              : v.status.status === "done"
                                ? "green.9"
                                : "gray.7"
                          }
                        >
                          {v.status.status}
                        </Badge>
                        {v.doneOn && <Text size="xs">on {v.doneOn}</Text>}
                        {v.missedReason && <Text size="xs">{v.missedReason}</Text>}
                        {v.closedReason && (
                          <Text size="xs">
                            {v.closedReason}, {v.closedOn}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {OPEN.has(v.status.status) && (
                          <RecordVisit
                            visit={v}
                            busy={submit.busy}
                            onRecord={(body, what) =>
                              submit.run(async () => {
                                await api.patch(`/api/v1/visits/${v.id}`, body, v.version);
                                setRefresh((r) => r + 1);
                                return `${v.label}: ${what}.`;
                              })
                            }
                          />
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          );
        }}
      </Status>
    </Stack>
  );
}

function RecordVisit({
  visit,
  busy,
  onRecord,
}: {
  visit: Visit;
  busy: boolean;
  onRecord: (body: Record<string, unknown>, what: string) => void;
}) {
  // Today at the site, not the UTC date.
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const [doneOn, setDoneOn] = useState(() => siteToday(timeZone));
  const [missed, setMissed] = useState("");
  const [reason, setReason] = useState("");
  return (
    <Stack gap="xs">
      <TextInput
        label={`Reason for this entry (${visit.code})`}
        description="For the audit trail, e.g. “visit held in clinic”"
        size="sm"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
      />
      <Group align="end" gap="xs">
        <TextInput
          type="date"
          label="Done on"
          size="sm"
          value={doneOn}
          onChange={(e) => setDoneOn(e.currentTarget.value)}
        />
        <Button size="sm" disabled={busy} onClick={() => onRecord({ doneOn, reason }, `done on ${doneOn}`)}>
          Done
        </Button>
      </Group>
      <Group align="end" gap="xs">
        <TextInput
          label="Missed because"
          size="sm"
          value={missed}
          onChange={(e) => setMissed(e.currentTarget.value)}
        />
        <Button
          size="sm"
          color="orange.9"
          disabled={busy}
          onClick={() => onRecord({ missedReason: missed, reason }, "missed")}
        >
          Missed
        </Button>
      </Group>
    </Stack>
  );
}
