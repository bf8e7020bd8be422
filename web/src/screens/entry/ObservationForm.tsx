/**
 * One observation (POST /api/v1/observations): LOINC code, a number with its UCUM unit or a text,
 * and the time. The server converts the number to the code's canonical unit (keeping what was
 * typed) and refuses implausible values, unknown or incompatible units and future times at the
 * field; a decimal comma is refused here already, with the fix.
 */
import { Button, Grid, SegmentedControl, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
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

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          const comma = kind === "number" ? decimalCommaProblem(value) : null;
          if (comma)
            throw new ApiError(400, {
              detail: "Nothing was recorded.",
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
            ? `Observation ${code} recorded: ${stored.originalValue} ${stored.originalUnit} stored as ${stored.valueNumber} ${stored.unit}, the code's canonical unit.`
            : `Observation ${code} recorded.`;
        });
      }}
    >
      <Stack maw={760}>
        <Grid>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <TextInput
              label="LOINC code"
              description="e.g. 718-7 for haemoglobin"
              size="md"
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={errors["/code"]}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <TextInput
              label="Name (optional)"
              size="md"
              value={display}
              onChange={(e) => setDisplay(e.currentTarget.value)}
              error={errors["/display"]}
            />
          </Grid.Col>
          <Grid.Col span={12}>
            <SegmentedControl
              aria-label="Kind of value"
              value={kind}
              onChange={(v) => setKind(v as "number" | "text")}
              data={[
                { value: "number", label: "Number with unit" },
                { value: "text", label: "Text" },
              ]}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: kind === "number" ? 4 : 8 }}>
            <TextInput
              label="Value"
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
                label="Unit (UCUM)"
                description="e.g. g/dL, g/L, 10*9/L, Cel; stored in the code's canonical unit"
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
              label={`Taken at (${timeZone} clock)`}
              size="md"
              required
              value={at}
              onChange={(e) => setAt(e.currentTarget.value)}
              error={errors["/effectiveAt"]}
            />
          </Grid.Col>
        </Grid>
        <Button type="submit" size="md" loading={busy} w="fit-content">
          Record observation
        </Button>
        <Outcome done={done} failure={failure} errors={errors} />
      </Stack>
    </form>
  );
}
