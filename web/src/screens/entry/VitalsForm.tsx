/**
 * The nurse's vital-signs chart (a table; on a phone one card per time point): one row per time point — temperature, blood pressure, heart rate,
 * SpO2, oxygen device and flow — typed straight across with Tab, a new row with "Add a time
 * point" (or Enter in a row's last cell). The LOINC codes and UCUM units the values are sent under
 * come from the server (GET /api/v1/observations/vital-signs, domain/vital-signs.ts); this screen
 * holds no code table. All rows go as one batch (all or nothing), and each plausibility refusal
 * comes back at its row and column.
 */
import {
  Alert,
  Button,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { type KeyboardEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { issueMessage, lookup, problemMessage } from "../../api/problem-errors.ts";
import type { VitalSignCodes } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { currentLanguage } from "../../i18n/index.ts";
import { Status } from "../../ui/Status.tsx";
import { siteInputToInstant, siteNowInput } from "../../ui/site-time.ts";
import { decimalCommaProblem } from "./paste-table.ts";

type Key = VitalSignCodes["vitalSigns"][number]["key"];
type Column = Key | "time" | "device";
type Row = Record<Column, string> & { id: number };

const NUMERIC: readonly Key[] = ["temperature", "systolic", "diastolic", "heartRate", "spo2", "oxygenFlow"];
let nextRowId = 0;
const emptyRow = (time: string): Row => ({
  id: nextRowId++,
  time,
  temperature: "",
  systolic: "",
  diastolic: "",
  heartRate: "",
  spo2: "",
  device: "",
  oxygenFlow: "",
});

export function VitalsForm({ patientId }: { patientId: string }) {
  const codes = useApi(() => api.get<VitalSignCodes>("/api/v1/observations/vital-signs"), []);
  return <Status loaded={codes}>{(c) => <VitalsTable patientId={patientId} codes={c} />}</Status>;
}

function VitalsTable({ patientId, codes }: { patientId: string; codes: VitalSignCodes }) {
  const { t } = useTranslation();
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const [rows, setRows] = useState<Row[]>(() => [emptyRow(siteNowInput(timeZone))]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A phone or narrow tablet gets one card per time point with visible labels instead of a wide table.
  const compact = useMediaQuery("(max-width: 48em)") ?? false;

  const unitOf = (key: Key) => codes.vitalSigns.find((v) => v.key === key)?.unit ?? "";
  const header: Record<Column, string> = {
    time: t("vitals.time", { zone: timeZone }),
    temperature: t("vitals.temperature"),
    systolic: t("vitals.systolic"),
    diastolic: t("vitals.diastolic"),
    heartRate: t("vitals.heartRate"),
    spo2: t("vitals.spo2"),
    device: t("vitals.device"),
    oxygenFlow: t("vitals.oxygenFlow"),
  };
  const columns: Column[] = [
    "time",
    "temperature",
    "systolic",
    "diastolic",
    "heartRate",
    "spo2",
    "device",
    "oxygenFlow",
  ];
  const deviceName = (d: string) => (d === "NONE" ? t("vitals.roomAir") : (lookup(`choice.${d}`) ?? d));

  const set = (i: number, column: Column, value: string) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [column]: value } : r)));
  // A new time point starts at the site's clock now: the nurse corrects it only when charting late.
  const addRow = () => setRows((rs) => [...rs, emptyRow(siteNowInput(timeZone))]);

  async function save() {
    setBusy(true);
    setErrors({});
    setFailure(null);
    setDone(null);
    // Where each observation sent came from, so a refusal at /observations/7/… lands on its cell.
    const origin: { row: number; column: Column }[] = [];
    const observations: Record<string, unknown>[] = [];
    const local: Record<string, string> = {};
    rows.forEach((r, i) => {
      const effectiveAt = r.time ? (siteInputToInstant(r.time, timeZone) ?? "") : "";
      for (const key of NUMERIC) {
        const text = r[key].trim();
        if (!text) continue;
        const comma = decimalCommaProblem(text);
        if (comma) local[`${i}/${key}`] = comma;
        const code = codes.vitalSigns.find((v) => v.key === key);
        if (!code) continue;
        origin.push({ row: i, column: key });
        observations.push({
          patientId,
          code: code.loinc,
          valueNumber: Number(text),
          unit: code.unit,
          effectiveAt,
        });
      }
      if (r.device) {
        origin.push({ row: i, column: "device" });
        observations.push({ patientId, code: codes.oxygenDevice.loinc, valueCode: r.device, effectiveAt });
      }
    });
    try {
      if (Object.keys(local).length > 0) {
        setErrors(local);
        throw new ApiError(400, { detail: t("entry.nothingRecorded") });
      }
      if (observations.length === 0) throw new ApiError(400, { detail: t("vitals.nothingToRecord") });
      await api.post("/api/v1/observations", { observations });
      const points = new Set(origin.map((o) => o.row)).size;
      setDone(t("vitals.recorded", { n: observations.length, points }));
      setRows([emptyRow(siteNowInput(timeZone))]);
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        const found: Record<string, string> = {};
        for (const issue of e.problem.errors) {
          const [, , index, field] = issue.pointer.split("/");
          const at = origin[Number(index)];
          if (!at) continue;
          const column: Column = field === "effectiveAt" ? "time" : at.column;
          const own = currentLanguage() === "en" ? undefined : lookup(`vitals.problem.${issue.code ?? ""}`);
          found[`${at.row}/${column}`] = own ?? issueMessage(issue, header[column]);
        }
        setErrors(found);
      }
      setFailure(
        e instanceof ApiError && !e.problem.errors && e.problem.detail ? e.problem.detail : problemMessage(e),
      );
    } finally {
      setBusy(false);
    }
  }

  /** One cell's input; in the phone layout it carries a visible label, in the table its column names it. */
  function cell(i: number, c: Column, labelled: boolean) {
    const r = rows[i]!;
    const label = t("vitals.cellLabel", { column: header[c], row: i + 1 });
    const visible =
      c === "time" || c === "device" ? header[c] : `${header[c]} (${displayUnit(unitOf(c as Key))})`;
    const common = labelled ? { label: visible } : { "aria-label": label };
    const error = errors[`${i}/${c}`];
    if (c === "device")
      return (
        <NativeSelect
          {...common}
          value={r.device}
          onChange={(e) => set(i, "device", e.currentTarget.value)}
          error={error}
          data={[
            { value: "", label: t("vitals.notRecorded") },
            ...codes.oxygenDevice.devices.map((d) => ({ value: d, label: deviceName(d) })),
          ]}
        />
      );
    const onKeyDown =
      c === "oxygenFlow"
        ? (e: KeyboardEvent<HTMLInputElement>) => {
            // Enter in a row's last cell starts the next time point instead of sending.
            if (e.key === "Enter" && i === rows.length - 1 && !e.shiftKey) {
              e.preventDefault();
              addRow();
            }
          }
        : undefined;
    return (
      <TextInput
        {...common}
        type={c === "time" ? "datetime-local" : "text"}
        inputMode={c === "time" ? undefined : "decimal"}
        value={r[c]}
        onChange={(e) => set(i, c, e.currentTarget.value)}
        onKeyDown={onKeyDown}
        error={error}
      />
    );
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack>
        <Text size="sm">{t("vitals.intro", { zone: timeZone })}</Text>
        {compact ? (
          rows.map((row, i) => (
            <Paper
              key={row.id}
              withBorder
              p="sm"
              component="fieldset"
              aria-label={t("vitals.rowLabel", { row: i + 1 })}
            >
              <Text fw={600} size="sm" mb={4} aria-hidden>
                {t("vitals.rowLabel", { row: i + 1 })}
              </Text>
              <SimpleGrid cols={2} spacing="xs">
                {columns.map((c) => (
                  <div key={c} style={c === "time" ? { gridColumn: "1 / -1" } : undefined}>
                    {cell(i, c, true)}
                  </div>
                ))}
              </SimpleGrid>
            </Paper>
          ))
        ) : (
          <Table.ScrollContainer minWidth={980}>
            <Table verticalSpacing={4} aria-label={t("vitals.tableLabel")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">#</Table.Th>
                  {columns.map((c) => (
                    <Table.Th key={c} scope="col">
                      {header[c]}
                      {c !== "time" && c !== "device" && (
                        <Text span size="xs" c="dark.4" display="block">
                          {t("vitals.unit", { unit: displayUnit(unitOf(c)) })}
                        </Text>
                      )}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row, i) => (
                  <Table.Tr key={row.id}>
                    <Table.Td>{i + 1}</Table.Td>
                    {columns.map((c) => (
                      <Table.Td key={c} miw={c === "time" ? 200 : c === "device" ? 170 : 84}>
                        {cell(i, c, false)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Group>
          <Button variant="default" onClick={addRow}>
            {t("vitals.addRow")}
          </Button>
          <Button type="submit" size="md" loading={busy}>
            {t("vitals.record")}
          </Button>
        </Group>
        {done && (
          <Alert color="green" role="status" title={t("common.saved")}>
            {done}
          </Alert>
        )}
        {failure && (
          <Alert color="red" role="alert" title={t("common.notSaved")}>
            {failure}
            {Object.keys(errors).length > 0 && (
              <ul>
                {Object.entries(errors).map(([cell, message]) => {
                  const [row, column] = cell.split("/") as [string, Column];
                  return (
                    <li key={cell}>
                      {t("vitals.errorAt", { row: Number(row) + 1, column: header[column], message })}
                    </li>
                  );
                })}
              </ul>
            )}
          </Alert>
        )}
      </Stack>
    </form>
  );
}

/** UCUM's codes as a chart writes them: Cel → °C, mm[Hg] → mmHg. */
function displayUnit(ucum: string): string {
  return ucum === "Cel" ? "°C" : ucum === "mm[Hg]" ? "mmHg" : ucum;
}
