/**
 * Registering a patient (POST /api/v1/patients): the pseudonymous study record and the identity,
 * which the server keeps apart (docs/decisions/0007). Birth year and sex of the study record are
 * taken from the identity, so the two cannot disagree; the server still checks it.
 */
import { Button, Grid, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type { Patient } from "../../api/types.ts";
import { useSession } from "../../auth/session.tsx";
import { Outcome } from "../entry/Outcome.tsx";
import { useSubmit } from "../entry/useSubmit.ts";

const SEXES = ["female", "male", "other", "unknown"] as const;

export function RegisterPatientPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { site, sites, hasRole } = useSession();
  const mayRegister = sites.filter((s) => hasRole(s.id, "investigator", "coordinator"));
  const [f, setF] = useState({
    siteId: site && mayRegister.some((s) => s.id === site.id) ? site.id : (mayRegister[0]?.id ?? ""),
    subjectCode: "",
    familyName: "",
    givenName: "",
    sex: "",
    birthDate: "",
    phone: "",
    nationalId: "",
  });
  const { busy, errors, failure, done, run } = useSubmit();
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const text = (
    k: Exclude<keyof typeof f, "siteId">,
    extra: Record<string, unknown> = {},
    path = `/identity/${k}`,
  ) => (
    <TextInput
      label={t(`registerPatient.${k}`)}
      size="md"
      value={f[k]}
      onChange={(e) => set(k)(e.currentTarget.value)}
      error={errors[path]}
      {...extra}
    />
  );
  const opt = (v: string) => (v.trim() ? v.trim() : undefined);

  if (mayRegister.length === 0) return <Text>{t("registerPatient.notAllowed")}</Text>;
  return (
    <Stack maw={900}>
      <Title order={1}>{t("registerPatient.title")}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            const created = await api.post<Patient>("/api/v1/patients", {
              siteId: f.siteId,
              subjectCode: opt(f.subjectCode),
              birthYear: Number(f.birthDate.slice(0, 4)),
              sex: f.sex,
              identity: {
                familyName: f.familyName.trim(),
                givenName: f.givenName.trim(),
                sex: f.sex,
                birthDate: f.birthDate,
                phone: opt(f.phone),
                nationalId: opt(f.nationalId),
              },
            });
            navigate(`/patients/${created.id}`);
            return created.subjectCode;
          });
        }}
      >
        <Stack>
          <Paper withBorder p="md" component="fieldset">
            <Title order={2} size="h4" component="legend">
              {t("registerPatient.studyPart")}
            </Title>
            <Text size="sm" mb="sm">
              {t("registerPatient.studyPartHelp")}
            </Text>
            <Grid>
              {mayRegister.length > 1 && (
                <Grid.Col span={{ base: 12, sm: 6 }}>
                  <Select
                    label={t("registerPatient.site")}
                    size="md"
                    data={mayRegister.map((s) => ({ value: s.id, label: `${s.code} — ${s.name}` }))}
                    value={f.siteId}
                    onChange={(v) => set("siteId")(v ?? "")}
                    allowDeselect={false}
                    error={errors["/siteId"]}
                  />
                </Grid.Col>
              )}
              <Grid.Col span={{ base: 12, sm: 6 }}>
                {text("subjectCode", { description: t("registerPatient.subjectCodeHelp") }, "/subjectCode")}
              </Grid.Col>
            </Grid>
          </Paper>
          <Paper withBorder p="md" component="fieldset">
            <Title order={2} size="h4" component="legend">
              {t("registerPatient.identityPart")}
            </Title>
            <Text size="sm" mb="sm">
              {t("registerPatient.identityPartHelp")}
            </Text>
            <Grid>
              <Grid.Col span={{ base: 12, sm: 6 }}>{text("familyName", { required: true })}</Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>{text("givenName", { required: true })}</Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <Select
                  label={t("registerPatient.sex")}
                  size="md"
                  required
                  data={SEXES.map((s) => ({ value: s, label: lookup(`sex.${s}`) ?? s }))}
                  value={f.sex || null}
                  onChange={(v) => set("sex")(v ?? "")}
                  error={errors["/identity/sex"] ?? errors["/sex"]}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                {text("birthDate", { type: "date", required: true })}
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>{text("phone", { type: "tel" })}</Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>{text("nationalId")}</Grid.Col>
            </Grid>
          </Paper>
          <div>
            <Button type="submit" size="md" loading={busy}>
              {t("registerPatient.submit")}
            </Button>
          </div>
        </Stack>
      </form>
      <Outcome done={done} failure={failure} errors={errors} />
    </Stack>
  );
}
