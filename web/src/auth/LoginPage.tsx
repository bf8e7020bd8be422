import {
  Alert,
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError } from "../api/client.ts";
import { useLogin } from "./session.tsx";

export function LoginPage() {
  const { login } = useLogin();
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
      setError(err instanceof ApiError ? err.message : "Could not reach the server.");
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <form onSubmit={submit} aria-labelledby="login-title">
          <Stack>
            <div>
              <Title order={1} id="login-title" size="h2">
                vein2vein
              </Title>
              <Text c="dark.4" size="sm">
                CAR-T cell therapy program: referral, vein to vein, follow-up.
              </Text>
            </div>
            <TextInput
              label="Username"
              autoComplete="username"
              required
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {error && (
              <Alert color="red" role="alert" title="Not logged in">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy} size="md">
              Log in
            </Button>
            <Text size="xs" c="dark.4">
              The demo program on this server is synthetic. <Anchor href="/api/docs">API reference</Anchor>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
