/**
 * The audit trail for monitors (GET /api/v1/audit, newest first): who did what to which record,
 * when and why, with what changed. Filters are the API's: entity type, record id, actor.
 */
import { Button, Group, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { api, type Page } from "../../api/client.ts";
import { useSession } from "../../auth/session.tsx";

interface AuditEvent {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

const PAGE = 50;

export function AuditPage() {
  const { site } = useSession();
  const [entity, setEntity] = useState("");
  const [entityId, setEntityId] = useState("");
  const [actorId, setActorId] = useState("");
  const [applied, setApplied] = useState({ entity: "", entityId: "", actorId: "" });
  const [rows, setRows] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function load(after: string | null, reset: boolean) {
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<Page<AuditEvent>>("/api/v1/audit", {
        siteId: site?.id,
        entity: applied.entity || undefined,
        entityId: applied.entityId || undefined,
        actorId: applied.actorId || undefined,
        limit: PAGE,
        cursor: after ?? undefined,
      });
      setRows((r) => (reset ? page.items : [...r, ...page.items]));
      setCursor(page.nextCursor);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the applied filters or the site change
  useEffect(() => {
    void load(null, true);
  }, [applied, site?.id]);

  return (
    <Stack>
      <Title order={1}>Audit trail — {site?.code}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ entity: entity.trim(), entityId: entityId.trim(), actorId: actorId.trim() });
        }}
      >
        <Group align="end" wrap="wrap">
          <TextInput
            label="Entity type"
            description="e.g. patient, observation, assessment, bedside-attempt"
            size="md"
            value={entity}
            onChange={(e) => setEntity(e.currentTarget.value)}
          />
          <TextInput
            label="Record id"
            size="md"
            value={entityId}
            onChange={(e) => setEntityId(e.currentTarget.value)}
          />
          <TextInput
            label="Actor id"
            size="md"
            value={actorId}
            onChange={(e) => setActorId(e.currentTarget.value)}
          />
          <Button type="submit" size="md">
            Filter
          </Button>
        </Group>
      </form>
      {error && (
        <Text c="red.8" role="alert">
          {error}
        </Text>
      )}
      <Table striped captionSide="top" verticalSpacing="xs">
        <Table.Caption>{rows.length} audit events shown, newest first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">At (UTC)</Table.Th>
            <Table.Th scope="col">Who</Table.Th>
            <Table.Th scope="col">Action</Table.Th>
            <Table.Th scope="col">Record</Table.Th>
            <Table.Th scope="col">Change</Table.Th>
            <Table.Th scope="col">Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{r.at.slice(0, 19).replace("T", " ")}</Table.Td>
              <Table.Td>{r.actorName}</Table.Td>
              <Table.Td>{r.action}</Table.Td>
              <Table.Td>
                {r.entityType}
                <Text size="xs" c="dimmed" ff="monospace">
                  {r.entityId}
                </Text>
              </Table.Td>
              <Table.Td maw={460}>
                <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                  {changeLines(r.before, r.after).map((line) => (
                    <span key={line} style={{ display: "block" }}>
                      {line}
                    </span>
                  ))}
                </Text>
              </Table.Td>
              <Table.Td>{r.reason ?? "—"}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {cursor && (
        <Button variant="default" size="md" loading={loading} onClick={() => void load(cursor, false)}>
          Show older events
        </Button>
      )}
    </Stack>
  );
}

/** Bookkeeping fields every record has; the change is in the others. */
const BOOKKEEPING = new Set(["id", "version", "createdAt", "updatedAt", "siteId"]);
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** One line per changed field: "field: before → after", or "field: value" for a new record. */
function changeLines(before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !BOOKKEEPING.has(k));
  return keys.slice(0, 12).map((k) => {
    if (!(k in b)) return `${k}: ${show(a[k])}`;
    if (!(k in a)) return `${k}: ${show(b[k])} → (removed)`;
    return `${k}: ${show(b[k])} → ${show(a[k])}`;
  });
}
