/**
 * The patient's diagnoses (GET /api/v1/conditions) and the form to record one or correct one.
 * The diagnoses offered come from GET /api/v1/conditions/vocabulary (SNOMED CT concepts the
 * program treats), so the web app holds no code table; the onset date is a calendar date at the
 * site. A correction sends a reason and the version read (If-Match). Refusals are shown at their
 * fields in the reader's language, by their stable codes.
 */
import {
  Anchor,
  Button,
  Grid,
  NativeSelect,
  Table,
  Text,
  Textarea,
  TextInput,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { issueMessage, lookup, problemMessage } from "../../api/problem-errors.ts";
import type { Condition, ConditionVocabulary } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { isoDate } from "../../ui/format.ts";
import { Panel } from "../../ui/Panel.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteToday } from "../../ui/site-time.ts";
import { Outcome } from "../entry/Outcome.tsx";

/** A diagnosis's name in the reader's language; the server's display when the catalogue has none. */
export const diagnosisName = (c: { code: string; display: string }) =>
  lookup(`conditions.names.${c.code}`) ?? c.display;

export function Conditions({
  patientId,
  items,
  mayWrite,
  onSaved,
}: {
  patientId: string;
  items: Condition[];
  mayWrite: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const vocabulary = useApi(() => api.get<ConditionVocabulary>("/api/v1/conditions/vocabulary"), []);
  const [editing, setEditing] = useState<Condition | "new" | null>(null);
  const status = (s: string) => lookup(`conditions.statuses.${s}`) ?? s;
  return (
    <Panel title={t("conditions.title")}>
      {items.length === 0 ? (
        <Text size="sm">{t("conditions.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("conditions.diagnosis")}</Table.Th>
                <Table.Th scope="col">{t("conditions.onset")}</Table.Th>
                <Table.Th scope="col">{t("conditions.status")}</Table.Th>
                {mayWrite && (
                  <Table.Th scope="col">
                    <VisuallyHidden>{t("conditions.correct")}</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id} data-testid="condition-row">
                  <Table.Td>{diagnosisName(c)}</Table.Td>
                  <Table.Td>{c.onsetDate ? isoDate(c.onsetDate) : "—"}</Table.Td>
                  <Table.Td>{status(c.clinicalStatus)}</Table.Td>
                  {mayWrite && (
                    <Table.Td>
                      <Anchor
                        component="button"
                        type="button"
                        onClick={() => setEditing(c)}
                        aria-label={t("conditions.correctOne", { name: diagnosisName(c) })}
                      >
                        {t("conditions.correct")}
                      </Anchor>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {mayWrite && editing === null && (
        <Button variant="light" mt="sm" onClick={() => setEditing("new")}>
          {t("conditions.recordLink")}
        </Button>
      )}
      {mayWrite && editing !== null && (
        <Status loaded={vocabulary}>
          {(v) => (
            <ConditionForm
              key={editing === "new" ? "new" : editing.id}
              patientId={patientId}
              vocabulary={v}
              condition={editing === "new" ? null : editing}
              onDone={() => {
                setEditing(null);
                onSaved();
              }}
              onCancel={() => setEditing(null)}
            />
          )}
        </Status>
      )}
    </Panel>
  );
}

function ConditionForm({
  patientId,
  vocabulary,
  condition,
  onDone,
  onCancel,
}: {
  patientId: string;
  vocabulary: ConditionVocabulary;
  condition: Condition | null;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const [code, setCode] = useState(condition?.code ?? "");
  const [onsetDate, setOnsetDate] = useState(condition ? (condition.onsetDate ?? "") : siteToday(timeZone));
  const [abatementDate, setAbatementDate] = useState(condition?.abatementDate ?? "");
  const [clinicalStatus, setClinicalStatus] = useState(condition?.clinicalStatus ?? "active");
  const [note, setNote] = useState(condition?.note ?? "");
  const [reason, setReason] = useState("");
  const labels: Record<string, string> = {
    "/code": t("conditions.diagnosis"),
    "/clinicalStatus": t("conditions.status"),
    "/onsetDate": t("conditions.onset"),
    "/abatementDate": t("conditions.abatement"),
    "/note": t("conditions.note"),
    "/reason": t("conditions.reason"),
  };
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);

  /** Each refusal at its field: the condition rules by their codes, the rest as every form words them. */
  async function run(send: () => Promise<void>) {
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      await send();
    } catch (e) {
      const out: Record<string, string> = {};
      if (e instanceof ApiError)
        for (const issue of e.problem.errors ?? []) {
          const field = `/${issue.pointer.split("/")[1] ?? ""}`;
          const message =
            lookup(`conditions.problem.${issue.code ?? ""}`) ?? issueMessage(issue, labels[field]);
          out[field] = out[field] ? `${out[field]} ${message}` : message;
        }
      setErrors(out);
      setFailure(problemMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const chosen = vocabulary.diagnoses.find((d) => d.code === code);

  return (
    <form
      aria-label={condition ? t("conditions.correctTitle") : t("conditions.newTitle")}
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          const dates = { onsetDate: onsetDate || null, abatementDate: abatementDate || null };
          if (condition)
            await api.patch(
              `/api/v1/conditions/${condition.id}`,
              { ...dates, clinicalStatus, note: note.trim() || null, reason: reason.trim() },
              condition.version,
            );
          else
            await api.post("/api/v1/conditions", {
              patientId,
              codeSystem: chosen?.codeSystem ?? "",
              code,
              display: chosen?.display ?? "",
              ...dates,
              clinicalStatus,
              note: note.trim() || null,
            });
          onDone();
        });
      }}
    >
      <Text fw={600} mt="md" mb="xs">
        {condition ? t("conditions.correctTitle") : t("conditions.newTitle")}
      </Text>
      <Grid maw={900}>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          {condition ? (
            <TextInput
              label={t("conditions.diagnosis")}
              size="md"
              readOnly
              value={diagnosisName(condition)}
            />
          ) : (
            <NativeSelect
              label={t("conditions.diagnosis")}
              description={t("conditions.diagnosisHelp")}
              size="md"
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              error={errors["/code"] ?? errors["/codeSystem"] ?? errors["/display"]}
              data={[
                { value: "", label: t("conditions.choose") },
                ...vocabulary.diagnoses.map((d) => ({ value: d.code, label: diagnosisName(d) })),
              ]}
            />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <NativeSelect
            label={t("conditions.status")}
            size="md"
            required
            value={clinicalStatus}
            onChange={(e) => setClinicalStatus(e.currentTarget.value)}
            error={errors["/clinicalStatus"]}
            data={vocabulary.clinicalStatuses.map((s) => ({
              value: s,
              label: lookup(`conditions.statuses.${s}`) ?? s,
            }))}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <TextInput
            type="date"
            label={t("conditions.onsetZone", { zone: timeZone })}
            size="md"
            value={onsetDate}
            onChange={(e) => setOnsetDate(e.currentTarget.value)}
            error={errors["/onsetDate"]}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <TextInput
            type="date"
            label={t("conditions.abatementZone", { zone: timeZone })}
            description={t("conditions.abatementHelp")}
            size="md"
            value={abatementDate}
            onChange={(e) => setAbatementDate(e.currentTarget.value)}
            error={errors["/abatementDate"]}
          />
        </Grid.Col>
        <Grid.Col span={12}>
          <Textarea
            label={t("conditions.note")}
            autosize
            minRows={2}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={errors["/note"]}
          />
        </Grid.Col>
        {condition && (
          <Grid.Col span={12}>
            <TextInput
              label={t("conditions.reason")}
              description={t("conditions.reasonHelp")}
              size="md"
              required
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              error={errors["/reason"]}
            />
          </Grid.Col>
        )}
        <Grid.Col span={12}>
          <Button type="submit" size="md" loading={busy} mr="sm">
            {condition ? t("conditions.saveCorrection") : t("conditions.record")}
          </Button>
          <Button type="button" size="md" variant="default" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
        </Grid.Col>
      </Grid>
      <Outcome done={null} failure={failure} errors={errors} />
    </form>
  );
}
