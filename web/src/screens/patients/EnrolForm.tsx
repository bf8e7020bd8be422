/**
 * Enrolling the patient (POST /api/v1/enrolments) in a study arm and dose level, with the consent
 * the API requires, then opening her vein-to-vein journey (state "referred"). Arms and dose levels
 * come from the study's definition; the server checks them and the study's sites.
 */
import { Button, Grid, Select, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, getAll } from "../../api/client.ts";
import type { Enrolment, Patient, Study } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Panel } from "../../ui/Panel.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteToday } from "../../ui/site-time.ts";
import { Outcome } from "../entry/Outcome.tsx";
import { useSubmit } from "../entry/useSubmit.ts";

export function EnrolForm({ patient, onSaved }: { patient: Patient; onSaved: () => void }) {
  const { t } = useTranslation();
  const today = siteToday(useSession().site?.timeZone ?? "UTC");
  const studies = useApi(() => getAll<Study>("/api/v1/studies"), []);
  const [f, setF] = useState({
    studyId: "",
    armCode: "",
    doseLevelCode: "",
    consentDate: today,
    consentVersion: "",
    enrolledOn: "",
  });
  const { busy, errors, failure, done, run } = useSubmit();
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));

  return (
    <Panel title={t("enrolForm.title")}>
      <Status loaded={studies}>
        {(list) => {
          if (list.length === 0) return <p>{t("enrolForm.noStudies")}</p>;
          const study = list.find((s) => s.id === f.studyId);
          const arm = study?.arms.find((a) => a.code === f.armCode);
          return (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void run(async () => {
                  const enrolment = await api.post<Enrolment>("/api/v1/enrolments", {
                    patientId: patient.id,
                    studyId: f.studyId,
                    armCode: f.armCode,
                    doseLevelCode: f.doseLevelCode || null,
                    consentDate: f.consentDate,
                    consentVersion: f.consentVersion.trim(),
                    enrolledOn: f.enrolledOn || null,
                  });
                  await api.post(`/api/v1/enrolments/${enrolment.id}/journey`);
                  onSaved();
                  return t("enrolForm.enrolled", {
                    code: patient.subjectCode,
                    study: study?.shortName ?? "",
                    arm: f.armCode,
                  });
                });
              }}
            >
              <Grid maw={900}>
                <Grid.Col span={{ base: 12, sm: 4 }}>
                  <Select
                    label={t("enrolForm.study")}
                    size="md"
                    required
                    data={list.map((s) => ({ value: s.id, label: `${s.shortName} — ${s.title}` }))}
                    value={f.studyId || null}
                    onChange={(v) =>
                      setF((x) => ({ ...x, studyId: v ?? "", armCode: "", doseLevelCode: "" }))
                    }
                    error={errors["/studyId"]}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 4 }}>
                  <Select
                    label={t("enrolForm.arm")}
                    size="md"
                    required
                    disabled={!study}
                    data={(study?.arms ?? []).map((a) => ({ value: a.code, label: `${a.code} — ${a.name}` }))}
                    value={f.armCode || null}
                    onChange={(v) => setF((x) => ({ ...x, armCode: v ?? "", doseLevelCode: "" }))}
                    error={errors["/armCode"]}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 4 }}>
                  <Select
                    label={t("enrolForm.doseLevel")}
                    size="md"
                    disabled={!arm || arm.doseLevels.length === 0}
                    data={[
                      { value: "", label: t("enrolForm.noDoseLevel") },
                      ...(arm?.doseLevels ?? []).map((d) => ({
                        value: d.code,
                        label: `${d.code} — ${d.label}`,
                      })),
                    ]}
                    value={f.doseLevelCode}
                    onChange={(v) => set("doseLevelCode")(v ?? "")}
                    allowDeselect={false}
                    error={errors["/doseLevelCode"]}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 4 }}>
                  <TextInput
                    label={t("enrolForm.consentDate")}
                    size="md"
                    type="date"
                    required
                    value={f.consentDate}
                    onChange={(e) => set("consentDate")(e.currentTarget.value)}
                    error={errors["/consentDate"]}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 4 }}>
                  <TextInput
                    label={t("enrolForm.consentVersion")}
                    description={t("enrolForm.consentVersionHelp")}
                    size="md"
                    required
                    value={f.consentVersion}
                    onChange={(e) => set("consentVersion")(e.currentTarget.value)}
                    error={errors["/consentVersion"]}
                  />
                </Grid.Col>
                <Grid.Col span={{ base: 12, sm: 4 }}>
                  <TextInput
                    label={t("enrolForm.enrolledOn")}
                    size="md"
                    type="date"
                    value={f.enrolledOn}
                    onChange={(e) => set("enrolledOn")(e.currentTarget.value)}
                    error={errors["/enrolledOn"]}
                  />
                </Grid.Col>
                <Grid.Col span={12}>
                  <Button type="submit" size="md" loading={busy}>
                    {t("enrolForm.submit")}
                  </Button>
                </Grid.Col>
              </Grid>
              <Outcome done={done} failure={failure} errors={errors} />
            </form>
          );
        }}
      </Status>
    </Panel>
  );
}
