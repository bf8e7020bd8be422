import {
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";
import { formatNumber } from "../../ui/format.ts";
import { siteToday } from "../../ui/site-time.ts";
import { type EventValues, eventBody, eventForm, eventLabel } from "./journey-events.ts";
import type { Journey, LymphodepletionPlan, ManufacturingSlot } from "./journey-types.ts";
import { Refusal } from "./Refusal.tsx";

interface Props {
  type: string;
  journey: Journey;
  enrolmentId: string;
  studyId: string;
  timeZone: string;
  onCancel: () => void;
  onDone: () => void;
}

/** The form of one journey move: only the fields that move needs; the server has the last word. */
export function EventForm({ type, journey, enrolmentId, studyId, timeZone, onCancel, onDone }: Props) {
  const { t } = useTranslation();
  const form = eventForm(type);
  const [values, setValues] = useState<EventValues>({
    apheresisDate: siteToday(timeZone),
    bridgingKind: "bridging",
    pathway: "trial",
    consentScopes: ["trial"],
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<EventValues>) => setValues((v) => ({ ...v, ...patch }));
  const has = (f: string) => form.fields.includes(f as never);
  const label = eventLabel(type);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/journeys/${journey.id}/events`, {
        ...eventBody(type, values),
        version: journey.version,
      });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="sm" component="form" onSubmit={submit} aria-label={label} data-event={type}>
      <Stack gap="xs">
        <Title order={3} size="h5">
          {label}
        </Title>
        <Text size="sm" c="dimmed">
          {lookup(`journeyHelp.${type}`) ?? ""}
        </Text>
        {has("apheresisDate") && (
          <TextInput
            type="date"
            label={t("journeyPanel.apheresisDate")}
            description={t("journeyPanel.siteDate", { zone: timeZone })}
            required
            value={values.apheresisDate ?? ""}
            onChange={(e) => set({ apheresisDate: e.currentTarget.value })}
          />
        )}
        {has("slot") && (
          <SlotPicker
            studyId={studyId}
            journeyId={journey.id}
            value={values.slotId ?? null}
            onChange={(slotId) => set({ slotId: slotId ?? undefined })}
          />
        )}
        {has("bridgingKind") && (
          <Radio.Group
            label={t("journeyPanel.bridgingKind")}
            value={values.bridgingKind}
            onChange={(v) => set({ bridgingKind: v as "bridging" | "washout" })}
          >
            <Group gap="md" mt={4}>
              <Radio value="bridging" label={t("journeyPanel.bridging")} />
              <Radio value="washout" label={t("journeyPanel.washout")} />
            </Group>
          </Radio.Group>
        )}
        {has("consentScopes") && (
          <Checkbox.Group
            label={t("journeyPanel.consentScopes")}
            value={values.consentScopes ?? []}
            onChange={(v) => set({ consentScopes: v })}
          >
            <Group gap="md" mt={4}>
              {(["trial", "treatment", "registry", "data-transfer"] as const).map((s) => (
                <Checkbox key={s} value={s} label={lookup(`journeyPanel.scope.${s}`)} />
              ))}
            </Group>
          </Checkbox.Group>
        )}
        {has("pathway") && (
          <>
            <Radio.Group
              label={t("journeyPanel.pathway")}
              value={values.pathway}
              onChange={(v) => set({ pathway: v as "trial" | "routine-care" })}
            >
              <Group gap="md" mt={4}>
                <Radio value="trial" label={t("journeyPanel.pathwayTrial")} />
                <Radio value="routine-care" label={t("journeyPanel.pathwayRoutine")} />
              </Group>
            </Radio.Group>
            <Checkbox
              label={t(
                values.pathway === "trial" ? "journeyPanel.eligibilityConfirmed" : "journeyPanel.payerAndMdt",
              )}
              checked={values.approved === true}
              onChange={(e) => set({ approved: e.currentTarget.checked })}
            />
          </>
        )}
        {has("failedCriteria") && (
          <Textarea
            label={t("journeyPanel.failedCriteria")}
            description={t("journeyPanel.onePerLine")}
            autosize
            minRows={2}
            value={values.failedCriteria ?? ""}
            onChange={(e) => set({ failedCriteria: e.currentTarget.value })}
          />
        )}
        {has("ldPlan") && (
          <>
            <PlanView enrolmentId={enrolmentId} timeZone={timeZone} />
            <Checkbox
              label={t("journeyPanel.planConfirmed")}
              checked={values.planConfirmed === true}
              onChange={(e) => set({ planConfirmed: e.currentTarget.checked })}
            />
          </>
        )}
        <Textarea
          label={t(form.reasonRequired ? "journeyPanel.reasonRequired" : "journeyPanel.note")}
          required={form.reasonRequired}
          autosize
          minRows={1}
          maxLength={2000}
          value={values.reason ?? ""}
          onChange={(e) => set({ reason: e.currentTarget.value })}
        />
        {error != null && <Refusal error={error} />}
        <Group gap="xs">
          <Button type="submit" loading={busy} color={form.ending ? "red" : undefined}>
            {t("journeyPanel.confirm", { event: label })}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/**
 * Free manufacturing slots of the study's products, and the slot the journey already holds (full
 * perhaps, but its own place counts for a reschedule); the booking takes the one chosen.
 */
async function slotsFor(studyId: string, journeyId: string): Promise<{ items: ManufacturingSlot[] }> {
  const [free, bookings] = await Promise.all([
    api.get<{ items: ManufacturingSlot[] }>("/api/v1/manufacturing-slots", { studyId, onlyFree: "true" }),
    api.get<{ items: { slotId: string; status: string }[] }>(`/api/v1/journeys/${journeyId}/slot-bookings`),
  ]);
  const held = bookings.items.find((b) => b.status === "booked")?.slotId;
  if (!held || free.items.some((s) => s.id === held)) return free;
  return { items: [await api.get<ManufacturingSlot>(`/api/v1/manufacturing-slots/${held}`), ...free.items] };
}

function SlotPicker({
  studyId,
  journeyId,
  value,
  onChange,
}: {
  studyId: string;
  journeyId: string;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const { t } = useTranslation();
  const slots = useApi(() => slotsFor(studyId, journeyId), [studyId, journeyId]);
  const items = slots.data?.items ?? [];
  return (
    <Stack gap={4}>
      <NativeSelect
        label={t("journeyPanel.slot")}
        description={t("journeyPanel.slotHelp")}
        data={[
          { value: "", label: t(slots.data ? "journeyPanel.slotPick" : "common.loading") },
          ...items.map((s) => ({
            value: s.id,
            label: t("journeyPanel.slotOption", {
              facility: s.facility,
              startsOn: s.startsOn,
              from: s.acceptsCollectionFrom,
              free: s.free,
              capacity: s.capacity,
            }),
          })),
        ]}
        value={value ?? ""}
        onChange={(e) => onChange(e.currentTarget.value || null)}
      />
      {slots.data && items.length === 0 && (
        <Text size="sm" c="red.8">
          {t("journeyPanel.noSlots")}
        </Text>
      )}
      {slots.error && <Refusal error={slots.error} />}
    </Stack>
  );
}

/** The server's computed lymphodepletion plan, shown as it returns it, for the prescriber to check. */
function PlanView({ enrolmentId, timeZone }: { enrolmentId: string; timeZone: string }) {
  const { t } = useTranslation();
  const [infusionDate, setInfusionDate] = useState("");
  const plan = useApi(
    () =>
      api.get<LymphodepletionPlan>(
        `/api/v1/enrolments/${enrolmentId}/lymphodepletion-plan`,
        infusionDate ? { infusionDate } : {},
      ),
    [enrolmentId, infusionDate],
  );
  const p = plan.data;
  return (
    <Stack gap="xs" data-testid="ld-plan">
      <TextInput
        type="date"
        label={t("journeyPanel.infusionDate")}
        description={t("journeyPanel.siteDate", { zone: timeZone })}
        value={infusionDate || p?.infusionDate || ""}
        onChange={(e) => setInfusionDate(e.currentTarget.value)}
      />
      {plan.error && <Refusal error={plan.error} />}
      {p && (
        <>
          <Text size="sm">
            {t("journeyPanel.planInputs", {
              height: formatNumber(p.inputs.height.value, 1),
              weight: formatNumber(p.inputs.weight.value, 1),
              creatinine: formatNumber(p.inputs.serumCreatinine.value, 2),
              creatinineUnit: p.inputs.serumCreatinine.unit,
              age: p.inputs.ageYears.value,
            })}
          </Text>
          <Text size="sm" fw={600}>
            {t("journeyPanel.bsa", { m2: formatNumber(p.bsa.m2, 2), formula: p.bsa.formula })}
          </Text>
          <Text size="sm">
            {t("journeyPanel.crcl", { value: formatNumber(p.creatinineClearance.mlPerMin, 0) })}
          </Text>
          <Table.ScrollContainer minWidth={320}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("journeyPanel.drug")}</Table.Th>
                  <Table.Th>{t("journeyPanel.planned")}</Table.Th>
                  <Table.Th>{t("journeyPanel.renalFactor")}</Table.Th>
                  <Table.Th>{t("journeyPanel.adjusted")}</Table.Th>
                  <Table.Th>{t("journeyPanel.mgPerDay")}</Table.Th>
                  <Table.Th>{t("journeyPanel.days")}</Table.Th>
                  <Table.Th>{t("journeyPanel.total")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.drugs.map((d) => (
                  <Table.Tr key={d.drug} data-drug={d.drug}>
                    <Table.Td>{lookup(`journeyPanel.ldDrug.${d.drug}`) ?? d.drug}</Table.Td>
                    <Table.Td>{formatNumber(d.plannedMgPerM2PerDay, 0)}</Table.Td>
                    <Table.Td>
                      {d.withheld ? t("journeyPanel.withheld") : formatNumber(d.renalFactor, 2)}
                    </Table.Td>
                    <Table.Td>{formatNumber(d.adjustedMgPerM2PerDay, 1)}</Table.Td>
                    <Table.Td>{formatNumber(d.mgPerDay, 1)}</Table.Td>
                    <Table.Td>
                      {d.days.map((n) => t("format.studyDayBefore", { days: -n })).join(" ")}
                    </Table.Td>
                    <Table.Td>{formatNumber(d.totalMg, 1)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {p.reasons.length > 0 && (
            <ul>
              {p.reasons.map((r) => (
                <li key={r}>
                  <Text size="sm">{r}</Text>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Stack>
  );
}
