/**
 * The patient's protocol visits with their windows; an open one is recorded as done on a date or
 * missed with a reason (PATCH /api/v1/visits/{id} with the version read, and a reason for the
 * audit trail). A visit that expects gradings links to each grading form prefilled from the record
 * for that visit (`/patients/{id}/assess/{calculator}?visit={visitId}`, the API's drafts).
 */
import { Anchor, Badge, Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type { Visit } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteToday } from "../../ui/site-time.ts";
import { visitName } from "../../ui/visit-name.ts";
import { calculatorName } from "../grading/json-schema.ts";
import { Outcome } from "./Outcome.tsx";
import { useSubmit } from "./useSubmit.ts";

const OPEN = new Set(["due", "overdue", "upcoming"]);

export function VisitsPanel({ patientId }: { patientId: string }) {
  const [refresh, setRefresh] = useState(0);
  const [showAll, setShowAll] = useState(false);
  const visits = useApi(
    () => api.get<{ items: Visit[] }>(`/api/v1/patients/${patientId}/visits`),
    [patientId, refresh],
  );
  const submit = useSubmit();
  const { t } = useTranslation();

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
                  {showAll ? t("visitsPanel.showOpen") : t("visitsPanel.showAll", { n: items.length })}
                </Button>
              </Group>
              <Table striped captionSide="top" verticalSpacing="sm">
                <Table.Caption>{t("visitsPanel.caption")}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("visitsPanel.visit")}</Table.Th>
                    <Table.Th scope="col">{t("visitsPanel.window")}</Table.Th>
                    <Table.Th scope="col">{t("visitsPanel.status")}</Table.Th>
                    <Table.Th scope="col">{t("visitsPanel.record")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((v) => (
                    <Table.Tr key={v.id}>
                      <Table.Td>
                        {visitName(v.code, v.label)} ({v.code})
                        {v.expected.assessments.map((calc) => (
                          <Text key={calc} size="xs">
                            <Anchor
                              component={Link}
                              to={`/patients/${patientId}/assess/${calc}?visit=${v.id}`}
                            >
                              {t("visitsPanel.gradePrefilled", {
                                form: lookup(`gradeLink.${calc}`) ?? calculatorName(calc),
                              })}
                            </Anchor>
                          </Text>
                        ))}
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
                          {lookup(`visitStatus.${v.status.status}`) ?? v.status.status}
                        </Badge>
                        {v.doneOn && <Text size="xs">{t("visitsPanel.doneOnDate", { date: v.doneOn })}</Text>}
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
                                return t("visitsPanel.recorded", { visit: visitName(v.code, v.label), what });
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
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <TextInput
        label={t("visitsPanel.reason", { visit: visit.code })}
        description={t("visitsPanel.reasonHelp")}
        size="sm"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
      />
      <Group align="end" gap="xs">
        <TextInput
          type="date"
          label={t("visitsPanel.doneOn")}
          size="sm"
          value={doneOn}
          onChange={(e) => setDoneOn(e.currentTarget.value)}
        />
        <Button
          size="sm"
          disabled={busy}
          onClick={() => onRecord({ doneOn, reason }, t("visitsPanel.doneOnDate", { date: doneOn }))}
        >
          {t("visitsPanel.done")}
        </Button>
      </Group>
      <Group align="end" gap="xs">
        <TextInput
          label={t("visitsPanel.missedBecause")}
          size="sm"
          value={missed}
          onChange={(e) => setMissed(e.currentTarget.value)}
        />
        <Button
          size="sm"
          color="orange.9"
          disabled={busy}
          onClick={() => onRecord({ missedReason: missed, reason }, t("visitsPanel.missedWord"))}
        >
          {t("visitsPanel.missed")}
        </Button>
      </Group>
    </Stack>
  );
}
