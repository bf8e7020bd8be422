import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { problemMessage } from "../api/problem-errors.ts";
import { LanguageSwitch } from "../i18n/LanguageSwitch.tsx";
import { useLogin } from "./session.tsx";

export function LoginPage() {
  const { login } = useLogin();
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      setError(problemMessage(err));
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit} aria-labelledby="login-title">
          <Stack>
            <div>
              <Group justify="space-between" wrap="nowrap">
                <Title order={1} id="login-title" size="h2">
                  vein2vein
                </Title>
                <LanguageSwitch />
              </Group>
              <Text c="dark.4" size="sm">
                {t("login.tagline")}
              </Text>
            </div>
            <TextInput
              label={t("login.username")}
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <PasswordInput
              label={t("login.password")}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {error && (
              <Alert color="red" role="alert" title={t("login.notLoggedIn")}>
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} size="md">
              {t("login.logIn")}
            </Button>
            <Text size="xs" c="dark.4">
              {t("login.demoNote")} <Anchor href="/api/docs">{t("login.apiReference")}</Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
