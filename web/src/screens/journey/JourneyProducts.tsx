/**
 * The journey's product units on the patient page (issue 11): each collection and bag on her chain
 * of identity with its state, linking to its page, and — once she is apheresed and this apheresis
 * has no collection yet — the form to record the collection (`POST /api/v1/journeys/{id}/collections`,
 * ISBT 128 product code; the server allocates its DIN and the chain-of-identity id). The apheresis
 * unit records it (shared/domain/workflow-standards.md §1.4), so the form is for the roles who move
 * the journey; the server checks `product:write` and the journey's stage again.
 */
import { Button, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { problemMessage } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";
import { type ChainUnit, ChainUnits } from "../board/ChainUnits.tsx";
import { fieldErrors } from "../board/ProductSteps.tsx";
import type { Journey, JourneyHistory } from "./journey-types.ts";
import { Refusal } from "./Refusal.tsx";

type Unit = ChainUnit;

/** The collection still to record: apheresed, and no collection made since she reached that stage. */
export function needsCollection(journeyState: string, history: JourneyHistory, units: Unit[]): boolean {
  if (journeyState !== "apheresed") return false;
  const reached = history.items.filter((e) => e.toState === "apheresed").at(-1)?.at;
  return !units.some(
    (u) => u.kind === "apheresis" && (!reached || new Date(u.createdAt) >= new Date(reached)),
  );
}

export function JourneyProducts(props: {
  journey: Journey;
  history: JourneyHistory;
  mayWrite: boolean;
  onRecorded: () => void;
}) {
  const { journey } = props;
  const units = useApi(
    () => api.get<{ items: Unit[] }>(`/api/v1/journeys/${journey.id}/product-units`),
    [journey.id, journey.version],
  );
  const items = units.data?.items ?? [];
  const showForm = props.mayWrite && units.data && needsCollection(journey.state, props.history, items);
  if (!showForm && items.length === 0) return null;
  return (
    <Stack gap="xs">
      <ChainUnits items={items} />
      {units.error && <Refusal error={units.error} />}
      {showForm && (
        <CollectionForm
          journeyId={journey.id}
          onDone={() => {
            units.reload();
            props.onRecorded();
          }}
        />
      )}
    </Stack>
  );
}

function CollectionForm({ journeyId, onDone }: { journeyId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [productCode, setProductCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const title = t("productSteps.collection.title");

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      await api.post(`/api/v1/journeys/${journeyId}/collections`, { productCode: productCode.trim() });
      onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const ruleRefusal = error instanceof ApiError && error.problem.rule;
  return (
    <Paper withBorder p="sm" component="form" onSubmit={submit} aria-label={title}>
      <Stack gap="xs">
        <Title order={3} size="h5">
          {title}
        </Title>
        <Text size="sm" c="dimmed">
          {t("productSteps.collection.help")}
        </Text>
        <TextInput
          label={t("productSteps.productCode")}
          description={t("productSteps.productCodeHelp")}
          required
          value={productCode}
          onChange={(e) => setProductCode(e.currentTarget.value)}
          error={errors["/productCode"]}
        />
        {error != null && ruleRefusal && <Refusal error={error} />}
        {error != null && !ruleRefusal && (
          <Text role="alert" c="red.8" size="sm">
            {Object.keys(errors).length > 0
              ? t("productSteps.collection.notRecorded")
              : problemMessage(error)}
          </Text>
        )}
        <Button type="submit" loading={busy} w="fit-content">
          {title}
        </Button>
      </Stack>
    </Paper>
  );
}
