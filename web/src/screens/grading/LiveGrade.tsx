/**
 * The live result panel: the grade in large type, the reasons, or what is still missing. Inputs the
 * calculator warns about (a count that reads as entered in × 10³/µL) are listed above the grade:
 * the grade is computed on the values as entered, and the warning asks the user to check them.
 */
import { Alert, Badge, Card, Group, List, Loader, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { i18n } from "../../i18n/index.ts";
import { reasonText, reasonTexts } from "../../i18n/reasons.ts";
import { fieldLabel } from "./json-schema.ts";
import type { LiveResult } from "./useLiveResult.ts";

/** "/iceItems/orientationYear" → "Ice items › Orientation year" */
export function fieldName(pointer: string): string {
  if (!pointer || pointer === "/") return i18n.t("common.theForm");
  return pointer
    .split("/")
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : fieldLabel(p)))
    .join(" › ");
}

export function LiveGrade({ live }: { live: LiveResult }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md" aria-live="polite" aria-busy={live.pending} data-testid="live-grade">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {t("grading.result")}
        </Title>
        {live.pending && <Loader size="xs" role="status" aria-label={t("grading.evaluating")} />}
      </Group>
      {live.failure && (
        <Alert color="red" role="alert" title={t("grading.couldNotEvaluate")}>
          {live.failure}
        </Alert>
      )}
      {live.result ? (
        <>
          {(live.result.warnings?.length ?? 0) > 0 && (
            <Alert color="yellow" title={t("grading.checkValues")} mb="sm" data-testid="grade-warnings">
              <List size="sm" spacing={4} style={{ overflowWrap: "anywhere" }}>
                {live.result.warnings!.map((w) => (
                  <List.Item key={`${w.path}:${w.message}`}>
                    <strong>{fieldName(w.path)}</strong>: {w.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Text fz={32} fw={700} data-testid="grade-label">
            {reasonText(live.result.label, live.result.labelCode)}
          </Text>
          <Badge variant="outline" color="gray" mb="sm">
            {live.result.ruleSet}
          </Badge>
          <Text fw={600}>{t("grading.why")}</Text>
          <List size="sm" spacing={4}>
            {reasonTexts(live.result.reasons, live.result.reasonCodes).map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
        </>
      ) : (
        !live.failure && (
          <>
            <Text fz={24} fw={700} c="dimmed">
              {t("grading.notGradable")}
            </Text>
            {live.issues.length > 0 && (
              <>
                <Text fw={600} mt="xs">
                  {t("grading.stillNeeded")}
                </Text>
                <List size="sm" spacing={4} style={{ overflowWrap: "anywhere" }}>
                  {live.issues.map((i) => (
                    <List.Item key={`${i.path}:${i.message}`}>
                      <strong>{fieldName(i.path)}</strong>: {i.message}
                    </List.Item>
                  ))}
                </List>
              </>
            )}
          </>
        )
      )}
    </Card>
  );
}
