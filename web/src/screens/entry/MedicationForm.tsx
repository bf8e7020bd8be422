/** A medication (POST /api/v1/medications) and the patient's medication list. */
import { Button, Grid, Stack, Table, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, getAll } from "../../api/client.ts";
import type { Medication } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteToday } from "../../ui/site-time.ts";
import { Outcome } from "./Outcome.tsx";
import { useSubmit } from "./useSubmit.ts";

export function MedicationForm({ patientId }: { patientId: string }) {
  // Today at the site, not the UTC date (which is still yesterday in Shenzhen until 08:00).
  const today = siteToday(useSession().site?.timeZone ?? "UTC");
  const [f, setF] = useState({
    drug: "",
    doseValue: "",
    doseUnit: "",
    route: "",
    frequency: "",
    startDate: today,
    stopDate: "",
    indication: "",
  });
  const [refresh, setRefresh] = useState(0);
  const { busy, errors, failure, done, run } = useSubmit();
  const { t } = useTranslation();
  const meds = useApi(() => getAll<Medication>("/api/v1/medications", { patientId }), [patientId, refresh]);
  const field = (k: keyof typeof f, label: string, extra: Record<string, unknown> = {}) => (
    <TextInput
      label={label}
      size="md"
      value={f[k]}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setF((x) => ({ ...x, [k]: v }));
      }}
      error={errors[`/${k}`]}
      {...extra}
    />
  );
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);

  return (
    <Stack>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await api.post("/api/v1/medications", {
              patientId,
              drug: f.drug.trim(),
              doseValue: f.doseValue.trim() ? Number(f.doseValue) : undefined,
              doseUnit: opt(f.doseUnit),
              route: opt(f.route),
              frequency: opt(f.frequency),
              startDate: f.startDate,
              stopDate: opt(f.stopDate),
              indication: opt(f.indication),
            });
            setRefresh((r) => r + 1);
            return t("medForm.recorded", { drug: f.drug });
          });
        }}
      >
        <Grid maw={900}>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            {field("drug", t("medForm.drug"), { required: true })}
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>
            {field("doseValue", t("medForm.dose"), { inputMode: "decimal" })}
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>
            {field("doseUnit", t("medForm.doseUnit"), { description: t("medForm.doseUnitHelp") })}
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>{field("route", t("medForm.route"))}</Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>{field("frequency", t("medForm.frequency"))}</Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>
            {field("startDate", t("medForm.startDate"), { type: "date", required: true })}
          </Grid.Col>
          <Grid.Col span={{ base: 6, sm: 3 }}>
            {field("stopDate", t("medForm.stopDate"), { type: "date" })}
          </Grid.Col>
          <Grid.Col span={12}>{field("indication", t("medForm.indication"))}</Grid.Col>
          <Grid.Col span={12}>
            <Button type="submit" size="md" loading={busy}>
              {t("medForm.record")}
            </Button>
          </Grid.Col>
        </Grid>
      </form>
      <Outcome done={done} failure={failure} errors={errors} />
      <Title order={2} size="h4">
        {t("medForm.listTitle")}
      </Title>
      <Status loaded={meds}>
        {(list) => (
          <Table striped captionSide="top">
            <Table.Caption>{t("medForm.count", { n: list.length })}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("medForm.drug")}</Table.Th>
                <Table.Th scope="col">{t("medForm.dose")}</Table.Th>
                <Table.Th scope="col">{t("medForm.frequency")}</Table.Th>
                <Table.Th scope="col">{t("medForm.from")}</Table.Th>
                <Table.Th scope="col">{t("medForm.to")}</Table.Th>
                <Table.Th scope="col">{t("medForm.indication")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{m.drug}</Table.Td>
                  <Table.Td>{m.doseValue !== null ? `${m.doseValue} ${m.doseUnit ?? ""}` : "—"}</Table.Td>
                  <Table.Td>{m.frequency ?? "—"}</Table.Td>
                  <Table.Td>{m.startDate}</Table.Td>
                  <Table.Td>{m.stopDate ?? "—"}</Table.Td>
                  <Table.Td>{m.indication ?? "—"}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Status>
    </Stack>
  );
}
