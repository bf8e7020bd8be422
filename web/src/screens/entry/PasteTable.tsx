/**
 * Paste rows from a spreadsheet, see each row checked, and send the good table as one batch
 * (POST /api/v1/observations with {observations: [...]}, one transaction: all rows or none).
 */
import { Alert, Badge, Button, Group, Stack, Table, Text, Textarea } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";
import { useSession } from "../../auth/session.tsx";
import { siteTime } from "../../ui/site-time.ts";
import { parsePastedObservations } from "./paste-table.ts";

export function PasteTable({ patientId }: { patientId: string }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<number, string[]>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const rows = useMemo(() => parsePastedObservations(text, patientId, timeZone), [text, patientId, timeZone]);
  const bad = rows.filter((r) => r.errors.length > 0).length;
  const { t } = useTranslation();

  async function send() {
    setBusy(true);
    setServerErrors({});
    setFailure(null);
    setSaved(null);
    try {
      const answer = await api.post<{ count: number }>("/api/v1/observations", {
        observations: rows.map((r) => r.observation),
      });
      setSaved(answer.count);
      setText("");
    } catch (e) {
      const byRow: Record<number, string[]> = {};
      for (const i of problemErrors(e)) {
        const m = /^\/observations\/(\d+)(\/.*)?$/.exec(i.path);
        const index = m ? Number(m[1]) : -1;
        // The message names the field in the reader's words ("Value must be at most …").
        byRow[index] = [...(byRow[index] ?? []), i.message];
      }
      setServerErrors(byRow);
      setFailure(problemMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <Textarea
        label={t("pasteTable.label")}
        description={t("pasteTable.help", { zone: timeZone })}
        autosize
        minRows={5}
        maxRows={16}
        ff="monospace"
        value={text}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setServerErrors({});
          setFailure(null);
        }}
      />
      {rows.length > 0 && (
        <>
          <Group>
            <Badge color={bad ? "red.8" : "green.9"} variant="filled" size="lg">
              {bad
                ? t("pasteTable.needFixing", { bad, n: rows.length })
                : t("pasteTable.ready", { n: rows.length })}
            </Badge>
            <Button size="md" disabled={bad > 0} loading={busy} onClick={() => void send()}>
              {t("pasteTable.record", { n: rows.length })}
            </Button>
          </Group>
          <Table striped captionSide="top">
            <Table.Caption>{t("pasteTable.preview")}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("pasteTable.line")}</Table.Th>
                <Table.Th scope="col">{t("pasteTable.code")}</Table.Th>
                <Table.Th scope="col">{t("pasteTable.value")}</Table.Th>
                <Table.Th scope="col">{t("pasteTable.time", { zone: timeZone })}</Table.Th>
                <Table.Th scope="col">{t("pasteTable.check")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, index) => {
                const problems = [...r.errors, ...(serverErrors[index] ?? [])];
                const o = r.observation;
                return (
                  <Table.Tr key={r.line} bg={problems.length ? "red.0" : undefined}>
                    <Table.Td>{r.line}</Table.Td>
                    <Table.Td>{String(o?.code ?? r.cells[0] ?? "")}</Table.Td>
                    <Table.Td>
                      {o
                        ? `${String(o.valueNumber ?? o.valueText ?? "")} ${String(o.unit ?? "")}`
                        : r.cells.slice(1, 3).join(" ")}
                    </Table.Td>
                    <Table.Td>{o ? siteTime(String(o.effectiveAt), timeZone) : "—"}</Table.Td>
                    <Table.Td>
                      {problems.length === 0 ? (
                        <Text c="green.9" fw={600}>
                          {t("pasteTable.ok")}
                        </Text>
                      ) : (
                        <Text c="red.9" size="sm">
                          {problems.join("; ")}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </>
      )}
      {saved !== null && (
        <Alert color="green" role="status" title={t("common.saved")}>
          {t("pasteTable.saved", { n: saved })}
        </Alert>
      )}
      {failure && (
        <Alert color="red" role="alert" title={t("entry.nothingRecorded")}>
          {failure} {t("pasteTable.marked")}
        </Alert>
      )}
    </Stack>
  );
}
