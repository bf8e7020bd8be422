import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { lookup } from "../../api/problem-errors.ts";
import type { CarProduct, Condition, Enrolment, Identity, Patient, Study } from "../../api/types.ts";
import { isoDate, studyDay } from "../../ui/format.ts";
import { diagnosisName } from "./Conditions.tsx";

interface Props {
  patient: Patient;
  /** null when the role may not read identity (the API refuses it): the subject code only. */
  identity: Identity | null;
  conditions: Condition[];
  enrolment: Enrolment | null;
  study: Study | null;
  product: CarProduct | null;
  dayToday: number | null;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dark.4" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </Stack>
  );
}

export function PatientHeader({ patient, identity, conditions, enrolment, study, product, dayToday }: Props) {
  const { t } = useTranslation();
  const arm = study?.arms.find((a) => a.code === enrolment?.armCode);
  const dose = arm?.doseLevels.find((d) => d.code === enrolment?.doseLevelCode);
  return (
    <Paper withBorder p="md" mb="md" component="header">
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1}>{patient.subjectCode}</Title>
            {patient.isSynthetic && (
              <Badge variant="outline" color="gray.8">
                {t("common.synthetic")}
              </Badge>
            )}
          </Group>
          <Text size="sm" data-testid="identity">
            {identity
              ? `${identity.familyName ?? ""} ${identity.givenName ?? ""}`.trim() +
                (identity.birthDate ? ` · ${t("patient.born", { date: isoDate(identity.birthDate) })}` : "")
              : t("patient.anonymous", {
                  year: patient.birthYear ?? "—",
                  sex: patient.sex ? (lookup(`sex.${patient.sex}`) ?? patient.sex) : t("patient.noSex"),
                })}
          </Text>
        </div>
        {dayToday !== null && (
          <Stack gap={0} align="flex-end">
            <Text size="xs" c="dark.4" tt="uppercase" fw={600}>
              {t("worklist.studyDayToday")}
            </Text>
            <Text size="xl" fw={700} data-testid="study-day">
              {studyDay(dayToday)}
            </Text>
          </Stack>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mt="sm">
        <Fact label={t("patient.diagnoses")}>
          {conditions.length
            ? conditions.map((c) => `${diagnosisName(c)} (${c.onsetDate?.slice(0, 4) ?? "?"})`).join(" · ")
            : "—"}
        </Fact>
        <Fact label={t("patient.study")}>
          {study
            ? `${study.shortName}, ${arm ? arm.name : (enrolment?.armCode ?? "")}`
            : t("patient.notEnrolled")}
        </Fact>
        <Fact label={t("patient.productDose")}>
          {product ? product.code : "—"}
          {dose ? ` · ${dose.label} (${dose.code})` : ""}
        </Fact>
        <Fact label={t("patient.infusion")}>
          {enrolment?.infusionDate ? isoDate(enrolment.infusionDate) : t("patient.notYet")}
        </Fact>
      </SimpleGrid>
    </Paper>
  );
}
