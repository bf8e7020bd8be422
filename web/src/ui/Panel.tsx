import { Paper, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** A titled dashboard card; `null` data means the role may not read it, said plainly. */
export function Panel({ title, children, hidden }: { title: string; children: ReactNode; hidden?: boolean }) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h4" id={id} mb="sm">
        {title}
      </Title>
      {hidden ? (
        <Text c="dark.4" size="sm">
          Not shown for your role at this site.
        </Text>
      ) : (
        children
      )}
    </Paper>
  );
}
