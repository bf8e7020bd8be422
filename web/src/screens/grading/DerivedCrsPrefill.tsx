/**
 * The CRS form prefilled from the chart: the server derives each day's CRS inputs from the
 * temperatures, oxygen flows and vasopressor/antipyretic medications recorded that day
 * (GET /api/v1/patients/{id}/derived/crs, domain/derivations/daily-crs.ts). Choosing a day fills
 * the form with them and lists what each value was read from and the assumptions made (no
 * recorded device, attribution to another cause); the clinician checks and completes it.
 */
import { List, NativeSelect, Paper, Stack, Text, Title } from "@mantine/core";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import type { DerivedCrs } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { serverText } from "../../i18n/server-text.ts";
import { studyDay } from "../../ui/format.ts";
import { choiceLabel, fieldLabel } from "./json-schema.ts";

type Day = DerivedCrs["days"][number];

/** Which recorded values each derived input is read from (daily-crs.ts). */
const READ_FROM: Record<string, "temperature" | "oxygen" | "medication" | "episode" | "assumed"> = {
  tempMaxC: "temperature",
  feverOtherCause: "assumed",
  oxygenDevice: "oxygen",
  oxygenFlowLpm: "oxygen",
  hypoxiaOtherCause: "assumed",
  hypotension: "medication",
  vasopressors: "medication",
  hypotensionOtherCause: "assumed",
  crsAlreadyDiagnosed: "episode",
  feverMaskingTherapyGiven: "medication",
  deathDueToCrs: "assumed",
};

export function DerivedCrsPrefill({
  patientId,
  onPrefill,
}: {
  patientId: string;
  onPrefill: (inputs: Record<string, unknown>) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const derived = useApi(() => api.get<DerivedCrs>(`/api/v1/patients/${patientId}/derived/crs`), [patientId]);
  const [chosen, setChosen] = useState<Day | null>(null);
  const days = [...(derived.data?.days ?? [])].reverse();
  if (days.length === 0) return null;
  const shown = (v: unknown) =>
    v === true
      ? t("common.yes")
      : v === false
        ? t("common.no")
        : Array.isArray(v)
          ? v.map((x) => choiceLabel(String(x))).join(", ")
          : typeof v === "string" || typeof v === "number"
            ? choiceLabel(v)
            : String(v);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb={4}>
        {t("prefill.crsTitle")}
      </Title>
      <NativeSelect
        label={t("prefill.crsDay")}
        description={t("prefill.crsDayHelp")}
        size="md"
        value={chosen?.date ?? ""}
        onChange={(e) => {
          const day = days.find((d) => d.date === e.currentTarget.value) ?? null;
          setChosen(day);
          if (day) onPrefill(structuredClone(day.inputs));
        }}
        data={[
          { value: "", label: t("prefill.crsChoose") },
          ...days.map((d) => ({
            value: d.date,
            label: `${d.date}${d.studyDay !== null ? ` (${studyDay(d.studyDay)})` : ""} · ${t("prefill.crsGrade", { grade: d.grade })}`,
          })),
        ]}
      />
      {chosen && (
        <Stack gap={4} mt="sm">
          <List size="sm" spacing={4} aria-label={t("prefill.filledList")}>
            {Object.entries(chosen.inputs).map(([key, value]) => (
              <List.Item key={key}>
                <Text span fw={600} size="sm">
                  {fieldLabel(key)}: {shown(value)}
                </Text>
                <Text size="xs">
                  {t(`prefill.crsFrom.${READ_FROM[key] ?? "assumed"}`, { date: chosen.date })}
                </Text>
              </List.Item>
            ))}
          </List>
          {chosen.assumptions.map((a) => (
            <Text key={a} size="xs" c="orange.9">
              {serverText(a, "")}
            </Text>
          ))}
          <Text size="xs" c="dark.4">
            {t("prefill.crsCheck")}
          </Text>
        </Stack>
      )}
    </Paper>
  );
}
