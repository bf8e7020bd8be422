import { Group, Progress, Stack, Text, Tooltip } from "@mantine/core";
import type { Dashboard } from "../../api/types.ts";

type Stages = NonNullable<Dashboard["journeyStages"]>;

/** One bar per stage, longest = most patients; the subject codes are in the tooltip and the label. */
export function JourneyStages({ stages }: { stages: Stages }) {
  if (stages.length === 0) return <Text size="sm">No journeys at this site yet.</Text>;
  const max = Math.max(...stages.map((s) => s.count));
  return (
    <Stack gap={6}>
      {stages.map((s) => (
        <Group key={s.stage} wrap="nowrap" gap="sm">
          <Text size="sm" w={150} ta="right">
            {s.stage.replaceAll("-", " ")}
          </Text>
          <Tooltip label={s.patients.map((p) => p.subjectCode).join(", ")} multiline maw={320}>
            <Progress
              value={(100 * s.count) / max}
              size="lg"
              style={{ flex: 1 }}
              aria-label={`${s.stage}: ${s.count} patients`}
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
