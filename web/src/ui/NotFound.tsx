import { Anchor, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1}>{t("notFound.title")}</Title>
      <Text>
        {t("notFound.text")}{" "}
        <Anchor component={Link} to="/">
          {t("notFound.back")}
        </Anchor>
      </Text>
    </Stack>
  );
}
