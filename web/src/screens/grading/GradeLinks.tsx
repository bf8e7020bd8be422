/**
 * Links from a patient to the grading forms, for the patient page to place next to the stored
 * assessments: `<GradeLinks patientId={patient.id} />`.
 */
import { Button, Group, Text } from "@mantine/core";
import { Link } from "react-router";

const FORMS: [string, string][] = [
  ["crs", "CRS"],
  ["icans", "ICANS"],
  ["ctcae-hematology", "CTCAE haematology"],
  ["lugano-pet", "Lugano PET-CT"],
  ["lugano-ct", "Lugano CT"],
  ["sledai-2k", "SLEDAI-2K"],
  ["doris", "DORIS"],
];

export function GradeLinks({ patientId }: { patientId: string }) {
  return (
    <Group gap="xs" role="group" aria-label="Grade this patient">
      <Text size="sm" fw={600}>
        Grade:
      </Text>
      {FORMS.map(([name, label]) => (
        <Button
          key={name}
          component={Link}
          to={`/patients/${patientId}/assess/${name}`}
          variant="light"
          size="sm"
        >
          {label}
        </Button>
      ))}
    </Group>
  );
}
