import { Badge, Chip, Group, Timeline as MantineTimeline, Text, Title } from "@mantine/core";
import { useState } from "react";
import type { TimelineItem } from "../../api/types.ts";
import { studyDay } from "../../ui/format.ts";

/** What the timeline shows by default: the story, not every lab value (those are in the charts). */
const KINDS: { kind: string; label: string; shown: boolean }[] = [
  { kind: "condition", label: "Diagnoses", shown: true },
  { kind: "condition-resolved", label: "Diagnoses", shown: true },
  { kind: "event", label: "Events", shown: true },
  { kind: "consent", label: "Enrolment", shown: true },
  { kind: "enrolment", label: "Enrolment", shown: true },
  { kind: "infusion", label: "Enrolment", shown: true },
  { kind: "journey", label: "Journey", shown: false },
  { kind: "product", label: "Product", shown: false },
  { kind: "assessment", label: "Assessments", shown: true },
  { kind: "medication-start", label: "Medications", shown: false },
  { kind: "medication-stop", label: "Medications", shown: false },
  { kind: "visit", label: "Visits", shown: false },
  { kind: "observation", label: "Lab values", shown: false },
];
const GROUPS = [...new Set(KINDS.map((k) => k.label))];
const groupOf = (kind: string) => KINDS.find((k) => k.kind === kind)?.label ?? "Other";

export function PatientTimeline({ items, today }: { items: TimelineItem[]; today: string }) {
  const [shown, setShown] = useState<string[]>(() => [
    ...new Set(KINDS.filter((k) => k.shown).map((k) => k.label)),
    "Other",
  ]);
  const visible = items.filter((i) => shown.includes(groupOf(i.kind)) && i.date <= today);
  return (
    <section aria-labelledby="timeline-title">
      <Title order={2} size="h3" id="timeline-title" mb="xs">
        Timeline
      </Title>
      <Chip.Group multiple value={shown} onChange={setShown}>
        <Group gap="xs" mb="md" role="group" aria-label="Show on the timeline">
          {[...GROUPS, "Other"].map((g) => (
            <Chip key={g} value={g} size="sm">
              {g}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <MantineTimeline bulletSize={14} lineWidth={2} data-testid="timeline">
        {visible.map((i) => (
          <MantineTimeline.Item
            key={`${i.kind}-${i.id}-${i.at}`}
            color={i.kind === "infusion" ? "red.9" : i.kind.startsWith("condition") ? "grape.9" : "indigo.8"}
            title={
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" fw={600} component="span">
                  {i.date}
                </Text>
                <Badge size="xs" variant="filled" color="gray.8">
                  {studyDay(i.studyDay)}
                </Badge>
                <Badge size="xs" variant="outline" color="gray.8">
                  {i.kind.replaceAll("-", " ")}
                </Badge>
              </Group>
            }
          >
            <Text size="sm">{i.summary}</Text>
          </MantineTimeline.Item>
        ))}
      </MantineTimeline>
    </section>
  );
}
