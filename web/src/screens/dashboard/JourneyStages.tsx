import { Group, Progress, Stack, Text, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { lookup } from "../../api/problem-errors.ts";
import type { Dashboard } from "../../api/types.ts";

type Stages = NonNullable<Dashboard["journeyStages"]>;

/** One bar per stage, longest = most patients; the subject codes are in the tooltip and the label. */
export function JourneyStages({ stages }: { stages: Stages }) {
  const { t } = useTranslation();
  if (stages.length === 0) return <Text size="sm">{t("dashboard.noJourneys")}</Text>;
  const name = (stage: string) => lookup(`journeyState.${stage}`) ?? stage.replaceAll("-", " ");
  const max = Math.max(...stages.map((s) => s.count));
  return (
    <Stack gap={6}>
      {stages.map((s) => (
        <Group key={s.stage} wrap="nowrap" gap="sm">
          <Text size="sm" w={150} ta="right">
            {name(s.stage)}
          </Text>
          <Tooltip label={s.patients.map((p) => p.subjectCode).join(", ")} multiline maw={320}>
            <Progress
              value={(100 * s.count) / max}
              size="lg"
              style={{ flex: 1 }}
              aria-label={t("dashboard.stageCount", { stage: name(s.stage), count: s.count })}
            />
          </Tooltip>
          <Text size="sm" w={28} fw={600}>
            {s.count}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
