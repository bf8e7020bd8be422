/** "Grade": pick a patient of the site and a form, then open the grading form. */
import { Button, Group, NativeSelect, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api, getAll } from "../../api/client.ts";
import type { Patient } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { calculatorName } from "./json-schema.ts";
import { type CalculatorInfo, GRADING_FORMS } from "./types.ts";

export function GradeChooserPage() {
  const { site } = useSession();
  const navigate = useNavigate();
  const { t } = useTranslation();
  const [patientId, setPatientId] = useState("");
  const [calculator, setCalculator] = useState("crs");
  const loaded = useApi(async () => {
    const [patients, catalogue] = await Promise.all([
      getAll<Patient>("/api/v1/patients", { siteId: site?.id }),
      api.get<{ items: CalculatorInfo[] }>("/api/v1/calculators"),
    ]);
    const rank = (name: string) => {
      const i = GRADING_FORMS.indexOf(name);
      return i === -1 ? GRADING_FORMS.length : i;
    };
    const calcs = [...catalogue.items].sort((a, b) => rank(a.name) - rank(b.name));
    return { patients, calcs };
  }, [site?.id]);

  return (
    <Stack maw={640}>
      <Title order={1}>{t("grading.title")}</Title>
      <Text>{t("grading.intro")}</Text>
      <Status loaded={loaded}>
        {({ patients, calcs }) => (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (patientId) navigate(`/patients/${patientId}/assess/${calculator}`);
            }}
          >
            <Stack>
              <NativeSelect
                label={t("grading.patient")}
                size="md"
                value={patientId}
                onChange={(e) => setPatientId(e.currentTarget.value)}
                data={[
                  { value: "", label: t("grading.choosePatient") },
                  ...patients.map((p) => ({ value: p.id, label: p.subjectCode })),
                ]}
              />
              <NativeSelect
                label={t("grading.form")}
                size="md"
                value={calculator}
                onChange={(e) => setCalculator(e.currentTarget.value)}
                data={calcs.map((c) => ({ value: c.name, label: calculatorName(c.name, c.title) }))}
              />
              <Group>
                <Button type="submit" size="md" disabled={!patientId}>
                  {t("grading.open")}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Status>
    </Stack>
  );
}
