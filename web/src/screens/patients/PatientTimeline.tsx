import { Badge, Chip, Group, Timeline as MantineTimeline, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { lookup } from "../../api/problem-errors.ts";
import type { TimelineItem } from "../../api/types.ts";
import { studyDay } from "../../ui/format.ts";
import { timelineSummary } from "./timeline-summary.ts";

/** What the timeline shows by default: the story, not every lab value (those are in the charts). */
type TimelineGroup =
  | "diagnoses"
  | "events"
  | "enrolment"
  | "journey"
  | "product"
  | "assessments"
  | "medications"
  | "visits"
  | "labs"
  | "other";
const KINDS: { kind: string; group: TimelineGroup; shown: boolean }[] = [
  { kind: "condition", group: "diagnoses", shown: true },
  { kind: "condition-resolved", group: "diagnoses", shown: true },
  { kind: "event", group: "events", shown: true },
  { kind: "consent", group: "enrolment", shown: true },
  { kind: "enrolment", group: "enrolment", shown: true },
  { kind: "infusion", group: "enrolment", shown: true },
  { kind: "journey", group: "journey", shown: false },
  { kind: "product", group: "product", shown: false },
  { kind: "assessment", group: "assessments", shown: true },
  { kind: "medication-start", group: "medications", shown: false },
  { kind: "medication-stop", group: "medications", shown: false },
  { kind: "visit", group: "visits", shown: false },
  { kind: "observation", group: "labs", shown: false },
];
const GROUPS: TimelineGroup[] = [...new Set(KINDS.map((k) => k.group)), "other"];
const groupOf = (kind: string): TimelineGroup => KINDS.find((k) => k.kind === kind)?.group ?? "other";

export function PatientTimeline({ items, today }: { items: TimelineItem[]; today: string }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<string[]>(() => [
    ...new Set(KINDS.filter((k) => k.shown).map((k) => k.group)),
    "other",
  ]);
  const visible = items.filter((i) => shown.includes(groupOf(i.kind)) && i.date <= today);
  return (
    <section aria-labelledby="timeline-title">
      <Title order={2} size="h3" id="timeline-title" mb="xs">
        {t("patientScreens.timeline.title")}
      </Title>
      <Chip.Group multiple value={shown} onChange={setShown}>
        <Group gap="xs" mb="md" role="group" aria-label={t("patientScreens.timeline.show")}>
          {GROUPS.map((g) => (
            <Chip key={g} value={g} size="sm">
              {t(`patientScreens.timeline.groups.${g}`)}
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
                  {lookup(`patientScreens.timeline.kinds.${i.kind}`) ?? i.kind.replaceAll("-", " ")}
                </Badge>
              </Group>
            }
          >
            <Text size="sm">{timelineSummary(i)}</Text>
          </MantineTimeline.Item>
        ))}
      </MantineTimeline>
    </section>
  );
}
