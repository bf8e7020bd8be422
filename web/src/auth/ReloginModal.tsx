import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client.ts";

interface Props {
  username: string;
  onLoggedIn: (password: string) => Promise<void>;
  onGiveUp: () => void;
}

/** Asks for the password again over whatever the user was doing; the screen below stays as it was. */
export function ReloginModal({ username, onLoggedIn, onGiveUp }: Props) {
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
      setError(err instanceof ApiError ? err.message : "Could not reach the server.");
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
      title="Your session has expired"
      centered
    >
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            Log in again as <strong>{username}</strong> to carry on. What you were entering is kept and will
            be sent once you are back.
          </Text>
          <PasswordInput
            label="Password"
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
              Log out instead
            </Button>
            <Button type="submit" loading={busy}>
              Log in and continue
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
