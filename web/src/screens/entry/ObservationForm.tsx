/**
 * One observation (POST /api/v1/observations): LOINC code, a number with its UCUM unit or a text,
 * and the time. The server converts the number to the code's canonical unit (keeping what was
 * typed) and refuses implausible values, unknown or incompatible units and future times at the
 * field; a decimal comma is refused here already, with the fix.
 */
import { Button, Grid, SegmentedControl, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { useSession } from "../../auth/session.tsx";
import { localDateTimeNow, toInstant } from "../grading/when.ts";
import { Outcome } from "./Outcome.tsx";
import { decimalCommaProblem } from "./paste-table.ts";
import { useSubmit } from "./useSubmit.ts";

export function ObservationForm({ patientId }: { patientId: string }) {
  const [code, setCode] = useState("");
  const [display, setDisplay] = useState("");
  const [kind, setKind] = useState<"number" | "text">("number");
  const [value, setValue] = useState("");
  const [unit, setUnit] = useState("");
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const [at, setAt] = useState(() => localDateTimeNow(timeZone));
  const { busy, errors, failure, done, run } = useSubmit();
  const { t } = useTranslation();

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          const comma = kind === "number" ? decimalCommaProblem(value) : null;
          if (comma)
            throw new ApiError(400, {
              detail: t("entry.nothingRecorded"),
              errors: [{ in: "body", pointer: "/valueNumber", detail: comma }],
            });
          const stored = await api.post<{
            valueNumber: number | null;
            unit: string | null;
            originalValue: number | null;
            originalUnit: string | null;
          }>("/api/v1/observations", {
            patientId,
            code: code.trim(),
            ...(display.trim() ? { display: display.trim() } : {}),
            ...(kind === "number"
              ? { valueNumber: value.trim() === "" ? null : Number(value), unit: unit.trim() || null }
              : { valueText: value.trim() || null }),
            effectiveAt: at ? toInstant(at, timeZone) : "",
          });
          const converted =
            stored.valueNumber !== null &&
            (stored.originalUnit !== stored.unit || stored.originalValue !== stored.valueNumber);
          return converted
            ? t("entry.observationConverted", {
                code,
                original: `${stored.originalValue} ${stored.originalUnit}`,
                stored: `${stored.valueNumber} ${stored.unit}`,
              })
            : t("entry.observationRecorded", { code });
        });
      }}
    >
      <Stack maw={760}>
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput
              label={t("entry.loinc")}
              description={t("entry.loincHelp")}
              size="md"
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={errors["/code"]}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <TextInput
              label={t("entry.name")}
              size="md"
              value={display}
              onChange={(e) => setDisplay(e.currentTarget.value)}
              error={errors["/display"]}
            />
          </Grid.Col>
          <Grid.Col span={12}>
            <SegmentedControl
              aria-label={t("entry.kind")}
              value={kind}
              onChange={(v) => setKind(v as "number" | "text")}
              data={[
                { value: "number", label: t("entry.kindNumber") },
                { value: "text", label: t("entry.kindText") },
              ]}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: kind === "number" ? 4 : 8 }}>
            <TextInput
              label={t("entry.value")}
              size="md"
              required
              inputMode={kind === "number" ? "decimal" : "text"}
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              error={errors["/valueNumber"] ?? errors["/valueText"]}
            />
          </Grid.Col>
          {kind === "number" && (
            <Grid.Col span={{ base: 12, sm: 4 }}>
              <TextInput
                label={t("entry.unit")}
                description={t("entry.unitHelp")}
                size="md"
                required
                value={unit}
                onChange={(e) => setUnit(e.currentTarget.value)}
                error={errors["/unit"]}
              />
            </Grid.Col>
          )}
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput
              type="datetime-local"
              label={t("entry.takenAt", { zone: timeZone })}
              size="md"
              required
              value={at}
              onChange={(e) => setAt(e.currentTarget.value)}
              error={errors["/effectiveAt"]}
            />
          </Grid.Col>
        </Grid>
        <Button type="submit" size="md" loading={busy} w="fit-content">
          {t("entry.recordObservation")}
        </Button>
        <Outcome done={done} failure={failure} errors={errors} />
      </Stack>
    </form>
  );
}
