import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import type { CarProduct, Condition, Enrolment, Identity, Patient, Study } from "../../api/types.ts";
import { studyDay } from "../../ui/format.ts";

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
                synthetic
              </Badge>
            )}
          </Group>
          <Text size="sm" data-testid="identity">
            {identity
              ? `${identity.familyName ?? ""} ${identity.givenName ?? ""}`.trim() +
                (identity.birthDate ? ` · born ${identity.birthDate}` : "")
              : `Born ${patient.birthYear ?? "—"} · ${patient.sex ?? "sex not recorded"} · identity not shown for your role`}
          </Text>
        </div>
        {dayToday !== null && (
          <Stack gap={0} align="flex-end">
            <Text size="xs" c="dark.4" tt="uppercase" fw={600}>
              Study day today
            </Text>
            <Text size="xl" fw={700} data-testid="study-day">
              {studyDay(dayToday)}
            </Text>
          </Stack>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mt="sm">
        <Fact label="Diagnoses">
          {conditions.length
            ? conditions.map((c) => `${c.display} (${c.onsetDate?.slice(0, 4) ?? "?"})`).join(" · ")
            : "—"}
        </Fact>
        <Fact label="Study">
          {study ? `${study.shortName}, ${arm ? arm.name : (enrolment?.armCode ?? "")}` : "Not enrolled"}
        </Fact>
        <Fact label="Product and dose">
          {product ? product.code : "—"}
          {dose ? ` · ${dose.label} (${dose.code})` : ""}
        </Fact>
        <Fact label="Infusion (day 0)">{enrolment?.infusionDate ?? "not yet"}</Fact>
      </SimpleGrid>
    </Paper>
  );
}
