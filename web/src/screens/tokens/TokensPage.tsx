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
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";
import type { ApiToken } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteTime } from "../../ui/site-time.ts";

export type { ApiToken };

/** Times on the site's clock with the zone named, like every other screen. */
function useWhen() {
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const { t } = useTranslation();
  return (iso: string | null) => (iso ? siteTime(iso, timeZone) : t("tokensPage.never"));
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
  const { t } = useTranslation();
  const reload = () => {
    mine.reload();
    ofSite.reload();
  };

  return (
    <Stack>
      <Title order={1}>{t("tokensPage.title")}</Title>
      <Text size="sm" c="dimmed">
        {t("tokensPage.intro")}
      </Text>
      <section aria-labelledby="yours">
        <Stack>
          <Title order={2} size="h3" id="yours">
            {t("tokensPage.yours")}
          </Title>
          <CreateToken onCreated={reload} />
          <Status loaded={mine}>
            {(data) => (
              <TokenTable caption={t("tokensPage.yoursCaption")} tokens={data.items} onRevoke={setRevoking} />
            )}
          </Status>
        </Stack>
      </section>
      {isAdmin && site && (
        <section aria-labelledby="site-tokens">
          <Stack>
            <Title order={2} size="h3" id="site-tokens">
              {t("tokensPage.ofSite", { site: site.code })}
            </Title>
            <Status loaded={ofSite}>
              {(data) => (
                <TokenTable
                  caption={t("tokensPage.ofSiteCaption", { site: site.code })}
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
  const { t } = useTranslation();

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
      const issues = problemErrors(e);
      setError(issues.length ? issues.map((i) => i.message).join("; ") : problemMessage(e));
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
            label={t("tokensPage.label")}
            description={t("tokensPage.labelHelp")}
            size="md"
            required
            maxLength={100}
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
          />
          <NumberInput
            label={t("tokensPage.expiresIn")}
            description={t("tokensPage.expiresInHelp")}
            size="md"
            min={1}
            max={365}
            allowDecimal={false}
            value={days}
            onChange={setDays}
          />
          <Button type="submit" size="md" loading={busy} disabled={!label.trim()}>
            {t("tokensPage.create")}
          </Button>
        </Group>
      </form>
      {error && (
        <Text c="red.8" role="alert">
          {error}
        </Text>
      )}
      {created && (
        <Alert color="teal" title={t("tokensPage.newToken", { label: created.label })} role="status">
          <Text size="sm">{t("tokensPage.copyNow", { when: when(created.expiresAt) })}</Text>
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
  const { t } = useTranslation();
  if (tokens.length === 0) return <Text size="sm">{t("tokensPage.none", { caption })}</Text>;
  return (
    <Table striped captionSide="top" verticalSpacing="xs">
      <Table.Caption>{t("tokensPage.count", { caption, n: tokens.length })}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t("tokensPage.labelColumn")}</Table.Th>
          {showOwner && <Table.Th scope="col">{t("tokensPage.owner")}</Table.Th>}
          <Table.Th scope="col">{t("tokensPage.created")}</Table.Th>
          <Table.Th scope="col">{t("tokensPage.lastUsed")}</Table.Th>
          <Table.Th scope="col">{t("tokensPage.expires")}</Table.Th>
          <Table.Th scope="col">{t("tokensPage.state")}</Table.Th>
          <Table.Th scope="col">
            <VisuallyHidden>{t("tokensPage.actions")}</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {tokens.map((k) => (
          <Table.Tr key={k.id}>
            <Table.Td>{k.label}</Table.Td>
            {showOwner && (
              <Table.Td>
                {k.displayName}
                <Text size="xs" c="dimmed">
                  {k.username}
                </Text>
              </Table.Td>
            )}
            <Table.Td>{when(k.createdAt)}</Table.Td>
            <Table.Td>{when(k.lastUsedAt)}</Table.Td>
            <Table.Td>{when(k.expiresAt)}</Table.Td>
            <Table.Td>
              {k.state === "revoked"
                ? t("tokensPage.revokedAt", { when: when(k.revokedAt) })
                : t(`tokensPage.states.${k.state}`)}
            </Table.Td>
            <Table.Td>
              {k.state === "active" && (
                <Button
                  variant="outline"
                  color="red"
                  size="sm"
                  aria-label={
                    showOwner
                      ? t("tokensPage.revokeOf", { label: k.label, user: k.username })
                      : t("tokensPage.revokeOne", { label: k.label })
                  }
                  onClick={() => onRevoke(k)}
                >
                  {t("tokensPage.revoke")}
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
  const { t } = useTranslation();

  async function revoke() {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/tokens/${token.id}/revoke`, reason.trim() ? { reason: reason.trim() } : {});
      setReason("");
      onRevoked();
    } catch (e) {
      setError(problemMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={token !== null} onClose={onClose} title={t("tokensPage.revokeTitle")}>
      {token && (
        <Stack>
          <Text>
            {t("tokensPage.revokeQuestion", {
              label: token.label,
              name: token.displayName,
              user: token.username,
            })}
          </Text>
          <TextInput
            label={t("tokensPage.reason")}
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
              {t("tokensPage.cancel")}
            </Button>
            <Button color="red" size="md" loading={busy} onClick={() => void revoke()}>
              {t("tokensPage.revokeToken")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
