/**
 * Protocol visits due and overdue at the site (GET /api/v1/worklist), most overdue first, 100 at
 * a time, filtered by the server by period, status and part of a subject code, each with the
 * patient, the study day today and the window; done/missed is recorded on the patient's visit list
 * under "Enter data".
 */
import { Anchor, Badge, Checkbox, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type { Worklist, WorklistItem } from "../../api/types.ts";
import { usePages } from "../../api/usePages.ts";
import { useSession } from "../../auth/session.tsx";
import { isoDate, studyDay } from "../../ui/format.ts";
import { ShowMore } from "../../ui/ShowMore.tsx";
import { Status } from "../../ui/Status.tsx";
import { visitName } from "../../ui/visit-name.ts";

const PAGE = 100;

export function WorklistPage() {
  const { site } = useSession();
  const { t } = useTranslation();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [statuses, setStatuses] = useState<string[]>(["due", "overdue"]);
  const [find, setFind] = useState("");
  // The server filters and pages; typing waits for a pause before asking.
  const [findApplied] = useDebouncedValue(find.trim(), 300);
  const list = usePages<WorklistItem, Worklist>(
    (cursor) =>
      api.get<Worklist>("/api/v1/worklist", {
        siteId: site?.id,
        from: from || undefined,
        to: to || undefined,
        status: statuses.join(","),
        find: findApplied || undefined,
        limit: PAGE,
        cursor,
      }),
    [site?.id, from, to, statuses.join(","), findApplied],
  );

  return (
    <Stack>
      <Title order={1}>{t("worklist.title", { site: site?.code })}</Title>
      <Group align="end" wrap="wrap">
        <TextInput
          type="date"
          label={t("worklist.from")}
          size="md"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t("worklist.to")}
          size="md"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
        />
        <Checkbox.Group
          label={t("worklist.show")}
          value={statuses}
          onChange={(v) => v.length && setStatuses(v)}
        >
          <Group mt={6}>
            <Checkbox value="due" label={t("worklist.due")} size="md" />
            <Checkbox value="overdue" label={t("worklist.overdue")} size="md" />
          </Group>
        </Checkbox.Group>
        <TextInput
          label={t("patients.subjectCode")}
          size="md"
          value={find}
          onChange={(e) => setFind(e.currentTarget.value)}
        />
      </Group>
      <Status loaded={list}>
        {(w) => {
          const { items, nextCursor } = w;
          const period = w.sites[0];
          return (
            <>
              <Table striped highlightOnHover captionSide="top" verticalSpacing="sm">
                <Table.Caption>
                  {t("worklist.count", { count: items.length })}
                  {period
                    ? ` · ${t("worklist.period", { from: isoDate(period.from), to: isoDate(period.to), today: isoDate(period.today) })}`
                    : ""}
                  {nextCursor ? ` · ${t("worklist.moreBelow")}` : ""}
                </Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("common.status")}</Table.Th>
                    <Table.Th scope="col">{t("worklist.subject")}</Table.Th>
                    <Table.Th scope="col">{t("dashboard.visit")}</Table.Th>
                    <Table.Th scope="col">{t("dashboard.window")}</Table.Th>
                    <Table.Th scope="col">{t("worklist.studyDayToday")}</Table.Th>
                    <Table.Th scope="col">{t("worklist.record")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((v) => (
                    <Table.Tr key={v.id} data-status={v.status.status}>
                      <Table.Td>
                        <Badge color={v.status.status === "overdue" ? "red.8" : "blue.8"} variant="filled">
                          {lookup(`visitStatus.${v.status.status}`) ?? v.status.status}
                        </Badge>
                        <Text size="xs">
                          {v.status.status === "overdue"
                            ? t("worklist.daysOverdue", { count: v.status.daysOverdue })
                            : v.status.status === "due"
                              ? t("worklist.closesIn", { count: v.status.closesInDays })
                              : ""}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/patients/${v.patientId}`}>
                          {v.subjectCode}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        {visitName(v.code, v.label)} ({v.code})
                      </Table.Td>
                      <Table.Td>
                        {isoDate(v.windowStart)} – {isoDate(v.windowEnd)}
                      </Table.Td>
                      <Table.Td>{studyDay(v.studyDayToday)}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/entry/${v.patientId}/visits`}>
                          {t("worklist.doneMissed")}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
                {items.length === 0 && (
                  <Table.Tbody>
                    <Table.Tr>
                      <Table.Td colSpan={6}>
                        <Text c="dimmed">{t("worklist.nothing")}</Text>
                      </Table.Td>
                    </Table.Tr>
                  </Table.Tbody>
                )}
              </Table>
              <ShowMore pages={list} count={PAGE} />
            </>
          );
        }}
      </Status>
    </Stack>
  );
}
