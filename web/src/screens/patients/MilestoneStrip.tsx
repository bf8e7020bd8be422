/** The story at a glance: the milestones in study-day order, above the charts and the long timeline. */
import { Group, Paper, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { studyDay } from "../../ui/format.ts";
import type { Milestone } from "./milestones.ts";

export function MilestoneStrip({ milestones }: { milestones: Milestone[] }) {
  const { t } = useTranslation();
  if (milestones.length === 0) return null;
  return (
    <Paper withBorder p="sm" component="section" aria-label={t("patient.milestones.title")}>
      <Group component="ol" gap="lg" style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {milestones.map((m) => (
          <li key={m.label}>
            <Text size="sm" fw={700} component="span">
              {studyDay(m.day)}
            </Text>{" "}
            <Text size="sm" component="span">
              {m.labelKey ? t(`patient.milestones.${m.labelKey}`) : m.label}
            </Text>
            {m.date && (
              <Text size="xs" c="dimmed">
                {m.date}
              </Text>
            )}
          </li>
        ))}
      </Group>
    </Paper>
  );
}
