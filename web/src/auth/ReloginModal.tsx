import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { problemMessage } from "../api/problem-errors.ts";

interface Props {
  username: string;
  onLoggedIn: (password: string) => Promise<void>;
  onGiveUp: () => void;
}

/** Asks for the password again over whatever the user was doing; the screen below stays as it was. */
export function ReloginModal({ username, onLoggedIn, onGiveUp }: Props) {
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLoggedIn(password);
    } catch (err) {
      setError(problemMessage(err));
      setBusy(false);
    }
  }

  return (
    <Modal
      opened
      onClose={() => {}}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      title={t("relogin.title")}
      centered
    >
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            <Trans i18nKey="relogin.intro" values={{ user: username }} />
          </Text>
          <PasswordInput
            label={t("login.password")}
            autoComplete="current-password"
            required
            data-autofocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="space-between">
            <Button variant="subtle" color="gray" onClick={onGiveUp}>
              {t("relogin.logOutInstead")}
            </Button>
            <Button type="submit" loading={busy}>
              {t("relogin.continue")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
