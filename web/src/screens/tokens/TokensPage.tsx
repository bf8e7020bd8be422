/**
 * API tokens: everyone makes, sees and revokes their own (POST /api/v1/tokens, GET
 * /api/v1/tokens/mine); an admin also sees the tokens of the current site's users and revokes them
 * (GET /api/v1/tokens?siteId=, POST /api/v1/tokens/{id}/revoke). A new token is shown once.
 */
import {
  Alert,
  Button,
  Code,
  Group,
  Modal,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteTime } from "../../ui/site-time.ts";

export interface ApiToken {
  id: string;
  label: string;
  userId: string;
  username: string;
  displayName: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  revokedAt: string | null;
  state: "active" | "expired" | "revoked";
}

/** Times on the site's clock with the zone named, like every other screen. */
function useWhen() {
  const timeZone = useSession().site?.timeZone ?? "UTC";
  return (iso: string | null) => (iso ? siteTime(iso, timeZone) : "never");
}

export function TokensPage() {
  const { site, hasRole } = useSession();
  const isAdmin = site ? hasRole(site.id, "admin") : false;
  const mine = useApi(() => api.get<{ items: ApiToken[] }>("/api/v1/tokens/mine"), []);
  const ofSite = useApi(
    () =>
      isAdmin && site
        ? api.get<{ items: ApiToken[] }>("/api/v1/tokens", { siteId: site.id })
        : Promise.resolve({ items: [] }),
    [isAdmin, site?.id],
  );
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const reload = () => {
    mine.reload();
    ofSite.reload();
  };

  return (
    <Stack>
      <Title order={1}>API tokens</Title>
      <Text size="sm" c="dimmed">
        A token lets a script act as its owner, with all of the owner's roles. It works until it expires or is
        revoked.
      </Text>
      <section aria-labelledby="yours">
        <Stack>
          <Title order={2} size="h3" id="yours">
            Your tokens
          </Title>
          <CreateToken onCreated={reload} />
          <Status loaded={mine}>
            {(data) => <TokenTable caption="Your API tokens" tokens={data.items} onRevoke={setRevoking} />}
          </Status>
        </Stack>
      </section>
      {isAdmin && site && (
        <section aria-labelledby="site-tokens">
          <Stack>
            <Title order={2} size="h3" id="site-tokens">
              Tokens of {site.code} users
            </Title>
            <Status loaded={ofSite}>
              {(data) => (
                <TokenTable
                  caption={`API tokens of the users of ${site.code}, newest first`}
                  tokens={data.items}
                  showOwner
                  onRevoke={setRevoking}
                />
              )}
            </Status>
          </Stack>
        </section>
      )}
      <RevokeDialog
        token={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={() => {
          setRevoking(null);
          reload();
        }}
      />
    </Stack>
  );
}

function CreateToken({ onCreated }: { onCreated: () => void }) {
  const when = useWhen();
  const [label, setLabel] = useState("");
  const [days, setDays] = useState<number | string>(90);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ token: string; label: string; expiresAt: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<ApiToken & { token: string }>("/api/v1/tokens", {
        label: label.trim(),
        expiresInDays: Number(days),
      });
      setCreated({ token: res.token, label: res.label, expiresAt: res.expiresAt });
      setLabel("");
      onCreated();
    } catch (e) {
      setError(
        e instanceof ApiError && e.problem.errors?.length
          ? e.problem.errors.map((i) => i.detail).join("; ")
          : (e as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="xs">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Group align="end" wrap="wrap">
          <TextInput
            label="What it is for"
            description="e.g. the script's name"
            size="md"
            required
            maxLength={100}
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
          />
          <NumberInput
            label="Expires in (days)"
            description="at most 365"
            size="md"
            min={1}
            max={365}
            allowDecimal={false}
            value={days}
            onChange={setDays}
          />
          <Button type="submit" size="md" loading={busy} disabled={!label.trim()}>
            Create token
          </Button>
        </Group>
      </form>
      {error && (
        <Text c="red.8" role="alert">
          {error}
        </Text>
      )}
      {created && (
        <Alert color="teal" title={`New token "${created.label}"`} role="status">
          <Text size="sm">Copy it now: it is not shown again. It expires {when(created.expiresAt)}.</Text>
          <Code block data-testid="new-token">
            {created.token}
          </Code>
        </Alert>
      )}
    </Stack>
  );
}

function TokenTable({
  caption,
  tokens,
  showOwner = false,
  onRevoke,
}: {
  caption: string;
  tokens: ApiToken[];
  showOwner?: boolean;
  onRevoke: (t: ApiToken) => void;
}) {
  const when = useWhen();
  if (tokens.length === 0) return <Text size="sm">{caption}: none.</Text>;
  return (
    <Table striped captionSide="top" verticalSpacing="xs">
      <Table.Caption>
        {caption}: {tokens.length}
      </Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Label</Table.Th>
          {showOwner && <Table.Th scope="col">Owner</Table.Th>}
          <Table.Th scope="col">Created</Table.Th>
          <Table.Th scope="col">Last used</Table.Th>
          <Table.Th scope="col">Expires</Table.Th>
          <Table.Th scope="col">State</Table.Th>
          <Table.Th scope="col">
            <VisuallyHidden>Actions</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {tokens.map((t) => (
          <Table.Tr key={t.id}>
            <Table.Td>{t.label}</Table.Td>
            {showOwner && (
              <Table.Td>
                {t.displayName}
                <Text size="xs" c="dimmed">
                  {t.username}
                </Text>
              </Table.Td>
            )}
            <Table.Td>{when(t.createdAt)}</Table.Td>
            <Table.Td>{when(t.lastUsedAt)}</Table.Td>
            <Table.Td>{when(t.expiresAt)}</Table.Td>
            <Table.Td>{t.state === "revoked" ? `revoked ${when(t.revokedAt)}` : t.state}</Table.Td>
            <Table.Td>
              {t.state === "active" && (
                <Button
                  variant="outline"
                  color="red"
                  size="sm"
                  aria-label={`Revoke ${t.label}${showOwner ? ` of ${t.username}` : ""}`}
                  onClick={() => onRevoke(t)}
                >
                  Revoke
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RevokeDialog({
  token,
  onClose,
  onRevoked,
}: {
  token: ApiToken | null;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function revoke() {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/tokens/${token.id}/revoke`, reason.trim() ? { reason: reason.trim() } : {});
      setReason("");
      onRevoked();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={token !== null} onClose={onClose} title="Revoke API token">
      {token && (
        <Stack>
          <Text>
            Revoke “{token.label}” of {token.displayName} ({token.username})? Scripts using it stop working at
            once.
          </Text>
          <TextInput
            label="Reason (for the audit trail)"
            size="md"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {error && (
            <Text c="red.8" role="alert">
              {error}
            </Text>
          )}
          <Group justify="end">
            <Button variant="default" size="md" onClick={onClose}>
              Cancel
            </Button>
            <Button color="red" size="md" loading={busy} onClick={() => void revoke()}>
              Revoke token
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
