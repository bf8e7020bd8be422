import { Alert, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client.ts";
import { lookup, problemErrors, problemMessage } from "../../api/problem-errors.ts";
import { currentLanguage } from "../../i18n/index.ts";

/**
 * A refused move: the rule in plain words from the catalogue (by its stable code), then — in
 * English only — the server's own sentence, which names the dates or slot concerned.
 */
export function Refusal({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const rule = error instanceof ApiError ? error.problem.rule : undefined;
  const words = rule ? lookup(`problem.rule.${rule}`) : undefined;
  const detail = error instanceof ApiError && currentLanguage() === "en" ? error.problem.detail : undefined;
  const issues = problemErrors(error);
  return (
    <Alert color="red" role="alert" title={t("journeyPanel.refused")} data-rule={rule ?? ""}>
      <Text fw={600}>{words ?? problemMessage(error)}</Text>
      {words && detail && detail !== words && <Text size="sm">{detail}</Text>}
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={`${i.path} ${i.message}`}>{i.message}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
