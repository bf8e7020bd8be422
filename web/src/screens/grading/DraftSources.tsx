/**
 * Where a prefilled grading form's values came from: for each field the API's draft filled
 * (GET /api/v1/visits/{id}/assessment-drafts, domain/assessment-prefill.ts), the value, the
 * records it was read from (kind, date on the site's calendar, what was recorded) and the rule
 * that read them; then what the clinician must still confirm, and the fields left to answer.
 * The rules are the server's English sentences; other readers see the field, value and records.
 */
import { List, Paper, Stack, Text, Title } from "@mantine/core";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { AssessmentDraft } from "../../api/types.ts";
import { serverText } from "../../i18n/server-text.ts";
import { choiceLabel, fieldLabel } from "./json-schema.ts";

const lastSegment = (pointer: string) => pointer.split("/").filter(Boolean).at(-1) ?? pointer;

export function DraftSources({
  draft,
  visitCode,
  assessmentDate,
}: {
  draft: AssessmentDraft;
  visitCode: string;
  assessmentDate: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const shown = (v: unknown) =>
    v === true
      ? t("common.yes")
      : v === false
        ? t("common.no")
        : typeof v === "string" || typeof v === "number"
          ? choiceLabel(v)
          : JSON.stringify(v);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb={4}>
        {t("prefill.title")}
      </Title>
      <Text size="sm" mb="sm">
        {t("prefill.intro", { visit: visitCode, date: assessmentDate })}
      </Text>
      <Stack gap="xs">
        {draft.prefilled.length === 0 && <Text size="sm">{t("prefill.nothing")}</Text>}
        {draft.prefilled.length > 0 && (
          <List size="sm" spacing={6} aria-label={t("prefill.filledList")}>
            {draft.prefilled.map((f) => (
              <List.Item key={f.field}>
                <Text span fw={600} size="sm">
                  {fieldLabel(lastSegment(f.field))}: {shown(f.value)}
                </Text>
                <Text size="xs">
                  {t("prefill.from")}{" "}
                  {f.sources.length === 0
                    ? t("prefill.noRecord")
                    : f.sources
                        .map((s) =>
                          t("prefill.source", {
                            kind: t(`prefill.kind.${s.kind}`),
                            date: s.date,
                            what: s.summary,
                          }),
                        )
                        .join("; ")}
                </Text>
                <Text size="xs" c="dark.4">
                  {serverText(f.rule, t("prefill.ruleOnServer"))}
                </Text>
                {f.confirm && (
                  <Text size="xs" c="orange.9">
                    {t("prefill.confirm")} {serverText(f.confirm, t("prefill.confirmTranslated"))}
                  </Text>
                )}
              </List.Item>
            ))}
          </List>
        )}
        {draft.unfilled.length > 0 && (
          <>
            <Text size="sm" fw={600}>
              {t("prefill.leftToYou")}
            </Text>
            <List size="sm" spacing={4}>
              {draft.unfilled.map((u) => (
                <List.Item key={u.field}>
                  {fieldLabel(lastSegment(u.field))}
                  <Text span size="xs" c="dark.4">
                    {" "}
                    — {serverText(u.reason, t("prefill.notInRecord"))}
                  </Text>
                </List.Item>
              ))}
            </List>
          </>
        )}
        {draft.notes.map((n) => {
          const note = serverText(n, "");
          return note ? (
            <Text key={n} size="xs" c="dark.4">
              {note}
            </Text>
          ) : null;
        })}
      </Stack>
    </Paper>
  );
}
