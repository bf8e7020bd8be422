/**
 * The audit trail for monitors (GET /api/v1/audit, newest first): who did what to which record,
 * when and why, with every field that changed. People, patients and bags are shown by name,
 * subject code and DIN; the filters pick a record type, a record and an actor from lists
 * (GET /api/v1/audit/choices), typed in any case.
 */
import { Button, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Page } from "../../api/client.ts";
import { lookup, problemMessage } from "../../api/problem-errors.ts";
import type { AuditEvent, AuditFilterChoices as Choices } from "../../api/types.ts";
import { useSession } from "../../auth/session.tsx";
import { siteTime } from "../../ui/site-time.ts";

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
  const [choices, setChoices] = useState<Choices>({ entityTypes: [], entities: [], actors: [] });
  const timeZone = site?.timeZone ?? "UTC";
  const { t } = useTranslation();
  const entityName = (code: string) => lookup(`auditPage.entity.${code}`) ?? code;

  useEffect(() => {
    api
      .get<Choices>("/api/v1/audit/choices", { siteId: site?.id, entity: entity || undefined })
      .then(setChoices, (e: unknown) => setError(problemMessage(e)));
  }, [site?.id, entity]);

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
      setError(problemMessage(e));
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
      <Title order={1}>{t("auditPage.title", { site: site?.code ?? "" })}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ entity: entity.trim(), entityId: entityId.trim(), actorId: actorId.trim() });
        }}
      >
        <Group align="end" wrap="wrap">
          <Select
            label={t("auditPage.recordType")}
            size="md"
            searchable
            clearable
            data={choices.entityTypes.map((c) => ({ value: c, label: entityName(c) }))}
            value={entity || null}
            onChange={(v) => {
              setEntity(v ?? "");
              setEntityId("");
            }}
          />
          <Select
            label={t("auditPage.record")}
            description={entity ? undefined : t("auditPage.pickTypeFirst")}
            size="md"
            searchable
            clearable
            disabled={!entity}
            data={choices.entities.map((e) => ({ value: e.id, label: e.label }))}
            value={entityId || null}
            onChange={(v) => setEntityId(v ?? "")}
          />
          <Select
            label={t("auditPage.who")}
            size="md"
            searchable
            clearable
            data={choices.actors.map((a) => ({ value: a.id, label: a.name }))}
            value={actorId || null}
            onChange={(v) => setActorId(v ?? "")}
          />
          <Button type="submit" size="md">
            {t("auditPage.filter")}
          </Button>
        </Group>
      </form>
      {error && (
        <Text c="red.8" role="alert">
          {error}
        </Text>
      )}
      <Table striped captionSide="top" verticalSpacing="xs">
        <Table.Caption>{t("auditPage.caption", { n: rows.length })}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("auditPage.at", { zone: timeZone })}</Table.Th>
            <Table.Th scope="col">{t("auditPage.who")}</Table.Th>
            <Table.Th scope="col">{t("auditPage.action")}</Table.Th>
            <Table.Th scope="col">{t("auditPage.record")}</Table.Th>
            <Table.Th scope="col">{t("auditPage.change")}</Table.Th>
            <Table.Th scope="col">{t("auditPage.reason")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.batch ? `${r.id}:${r.batch.item}` : r.id}>
              <Table.Td>{siteTime(r.at, timeZone, "second").replace(` ${timeZone}`, "")}</Table.Td>
              <Table.Td>{r.actorDisplayName}</Table.Td>
              <Table.Td>{lookup(`auditPage.actions.${r.action}`) ?? r.action}</Table.Td>
              <Table.Td>
                {entityName(r.entityType)}
                {r.entityLabel && <Text size="sm">{r.entityLabel}</Text>}
                <Text size="xs" c="dimmed" ff="monospace">
                  {r.entityId}
                </Text>
              </Table.Td>
              <Table.Td maw={460}>
                <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                  {changeLines(r.before, r.after, r.names, t("auditPage.removed")).map((line) => (
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
          {t("auditPage.older")}
        </Button>
      )}
    </Stack>
  );
}

/** Bookkeeping fields every record has; the change is in the others. */
const BOOKKEEPING = new Set(["id", "version", "createdAt", "updatedAt", "siteId"]);
/** A value with each id it holds replaced by what people call it (a name, a subject code, a DIN). */
function shown(v: unknown, names: Record<string, string>): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    (id) => names[id] ?? id,
  );
}

/** One line per changed field, every one of them: "field: before → after", or "field: value" for a new record. */
function changeLines(
  before: unknown,
  after: unknown,
  names: Record<string, string>,
  removed: string,
): string[] {
  const show = (v: unknown) => shown(v, names);
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !BOOKKEEPING.has(k));
  return keys.map((k) => {
    if (!(k in b)) return `${k}: ${show(a[k])}`;
    if (!(k in a)) return `${k}: ${show(b[k])} → (${removed})`;
    return `${k}: ${show(b[k])} → ${show(a[k])}`;
  });
}
