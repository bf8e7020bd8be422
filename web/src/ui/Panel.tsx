import { Paper, Text, Title } from "@mantine/core";
import { type ReactNode, useId } from "react";
import { useTranslation } from "react-i18next";

/** A titled dashboard card; `null` data means the role may not read it, said plainly. */
export function Panel({ title, children, hidden }: { title: string; children: ReactNode; hidden?: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {hidden ? (
        <Text c="dark.4" size="sm">
          {t("common.notShownForRole")}
        </Text>
      ) : (
        children
      )}
    </Paper>
  );
}
