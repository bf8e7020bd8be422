/**
 * The thaw of a final-product bag on the ward (issue 11): the clinical roles who take it out of the
 * cryo store record when thawing started, and the page then shows the post-thaw expiry the server
 * computed from the label's stability (the same instant the bedside check and the label use).
 *
 * The time is entered and shown on the site's clock with the zone named, prefilled with the site's
 * now, and to the second: the bedside check compares the thaw time read off the bag's record to
 * the exact instant (src/domain/bedside-comparison.ts), so a minute-only entry would make the
 * reading on the ward differ from what was stored. A refusal is worded from its rule
 * (src/domain/event-time.ts, the product machine) with the record's times on the site's clock,
 * never the server's UTC sentence.
 */
import { Alert, Grid, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { lookup, problemMessage } from "../../api/problem-errors.ts";
import { siteInputToInstant, siteNowInput, siteTime } from "../../ui/site-time.ts";
import { ProductForm } from "./ProductForm.tsx";
import type { ProductUnit } from "./types.ts";

/** The thawed bag, or the form to record its thaw, or when that becomes possible. */
export function ThawSection(props: { unit: ProductUnit; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { unit, timeZone } = props;
  if (unit.kind !== "final-product") return null;
  const at = (iso: string) => siteTime(iso, timeZone, "second");
  if (unit.thawedAt)
    return (
      <Alert
        role="status"
        color={unit.postThawExpiresAt ? "blue" : "orange"}
        title={t("product.thaw.thawed")}
      >
        <Text>{t("product.thaw.thawedAt", { at: at(unit.thawedAt) })}</Text>
        <Text fw={700}>
          {unit.postThawExpiresAt
            ? t("product.thaw.usableUntil", {
                at: at(unit.postThawExpiresAt),
                count: unit.thawStabilityMinutes ?? 0,
              })
            : t("product.thaw.noStability")}
        </Text>
      </Alert>
    );
  if (!unit.allowedEvents.includes("thaw"))
    return (
      <Text size="sm" c="dimmed">
        {t("product.thaw.notYet", { state: lookup(`productState.${unit.state}`) ?? unit.state })}
      </Text>
    );
  return <ThawForm {...props} />;
}

function ThawForm({ unit, timeZone, onDone }: { unit: ProductUnit; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [local, setLocal] = useState(() => siteNowInput(timeZone, "second"));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function submit() {
    setBusy(true);
    setFailure(null);
    const instant = siteInputToInstant(local, timeZone);
    if (!instant) {
      setFailure(t("product.thaw.needTime"));
      setBusy(false);
      return;
    }
    try {
      await api.post(`/api/v1/product-units/${unit.id}/events`, {
        type: "thaw",
        // No version: the machine refuses a thaw that no longer fits (already thawed meanwhile)
        // by its rule, which says more than a version conflict would.
        at: instant,
      });
      onDone();
    } catch (err) {
      setFailure(thawRefusal(err, unit, timeZone));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ProductForm
      title={t("product.thaw.title")}
      intro={
        <Text size="sm">
          {unit.thawStabilityMinutes !== null
            ? t("product.thaw.intro", { count: unit.thawStabilityMinutes })
            : t("product.thaw.introNoStability")}
        </Text>
      }
      refusedTitle={t("product.thaw.refused")}
      busy={busy}
      failure={failure}
      submitLabel={t("product.thaw.submit")}
      onSubmit={() => void submit()}
    >
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput
          type="datetime-local"
          label={t("product.thaw.at", { zone: timeZone })}
          description={t("product.thaw.atHelp")}
          size="md"
          required
          // to the second, as the bedside check compares it
          step={1}
          value={local}
          onChange={(e) => setLocal(e.currentTarget.value)}
        />
      </Grid.Col>
    </ProductForm>
  );
}

/** A refused thaw in plain words: its rule, with the record's times on the site's clock. */
function thawRefusal(err: unknown, unit: ProductUnit, timeZone: string): string {
  if (!(err instanceof ApiError)) return problemMessage(err);
  const p = err.problem as Record<string, unknown>;
  const time = (v: unknown) => (typeof v === "string" ? siteTime(v, timeZone, "second") : "—");
  switch (p.rule) {
    case "V2V-THAW-BEFORE-LYMPHODEPLETION":
      return typeof p.lymphodepletionStartedAt === "string"
        ? tr("product.thaw.rule.beforeLymphodepletion", { at: time(p.lymphodepletionStartedAt) })
        : tr("product.thaw.rule.journeyNotReady", {
            state: lookup(`journeyState.${String(p.journeyState)}`) ?? String(p.journeyState),
          });
    case "V2V-TIME-BEFORE-PREVIOUS":
      return tr("product.thaw.rule.beforePrevious", {
        event: lookup(`product.eventType.${String(p.previousEvent)}`) ?? tr("product.thaw.rule.recording"),
        at: time(p.previousAt),
      });
    case "V2V-TIME-IN-FUTURE":
      return tr("product.thaw.rule.future", { now: time(p.serverTime), skew: p.skewMinutes });
    case "V2V-PRODUCT-OUT-OF-SEQUENCE":
    case "V2V-PRODUCT-TERMINAL-STATE": {
      // the state the server found, which may have moved since this page was read
      const from = typeof p.from === "string" ? p.from : unit.state;
      return from === "thawed"
        ? tr("product.thaw.rule.alreadyThawed")
        : tr("product.thaw.rule.notStored", { state: lookup(`productState.${from}`) ?? from });
    }
    default:
      return problemMessage(err);
  }
}

const tr = (key: string, values: Record<string, unknown> = {}) => lookup(key, values) ?? key;
