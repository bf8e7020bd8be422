import { Button, Center, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSession } from "./session.tsx";

/** For users who hold roles at several sites: every screen works on one site at a time. */
export function SitePicker() {
  const { sites, chooseSite, rolesAt, session } = useSession();
  const { t } = useTranslation();
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={480} maw="100%">
        <Stack>
          <Title order={1} size="h2">
            {t("sitePicker.title")}
          </Title>
          <Text size="sm" c="dark.4">
            {t("sitePicker.intro", { user: session.user.username, count: sites.length })}
          </Text>
          {sites.map((s) => (
            <Button
              key={s.id}
              variant="light"
              size="lg"
              h="auto"
              py="sm"
              justify="space-between"
              onClick={() => chooseSite(s.id)}
              rightSection={
                <Text size="sm">
                  {rolesAt(s.id)
                    .map((r) => t(`role.${r}`))
                    .join(", ")}
                </Text>
              }
            >
              <Stack gap={0} align="flex-start">
                <span>
                  {s.code} · {s.city ?? s.name}
                </span>
                <Text size="sm" c="dark.6" component="span">
                  {s.department ?? s.name}
                </Text>
              </Stack>
            </Button>
          ))}
        </Stack>
      </Paper>
    </Center>
  );
}
