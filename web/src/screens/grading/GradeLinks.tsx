/**
 * Links from a patient to the grading forms, for the patient page to place next to the stored
 * assessments: `<GradeLinks patientId={patient.id} />`.
 */
import { Button, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

const FORMS = ["crs", "icans", "ctcae-hematology", "lugano-pet", "lugano-ct", "sledai-2k", "doris"] as const;

export function GradeLinks({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" role="group" aria-label={t("grading.gradeThis")}>
      <Text size="sm" fw={600}>
        {t("grading.gradeColon")}
      </Text>
      {FORMS.map((name) => (
        <Button
          key={name}
          component={Link}
          to={`/patients/${patientId}/assess/${name}`}
          variant="light"
          size="sm"
        >
          {t(`gradeLink.${name}`)}
        </Button>
      ))}
    </Group>
  );
}
