/**
 * The product's next steps on its page (issue 11), for the role that does each (product-steps.ts,
 * owners from shared/domain/workflow-standards.md §1.4): only the steps the server allows from the
 * product's state (`allowedEvents`) as buttons, each opening a small form — when it happened on the
 * site's clock with the zone named (left empty, the server's clock records it now), and the reason
 * for an ending. For manufacturing, a collection in manufacture also offers "Create the final bag"
 * (ISBT 128 product code and the label's post-thaw stability), which links to the new bag's page.
 *
 * The server decides every step; a refusal is worded from its rule code (the product machine, the
 * event-time rules) with the record's times on the site's clock, and nothing is written.
 */
import {
  Anchor,
  Button,
  Grid,
  Group,
  NumberInput,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  makesFinalBag,
  PRODUCT_STEPS,
  type ProductStep,
  stepBody,
  stepsFor,
} from "../../../../src/domain/vein-to-vein/product-steps.ts";
import { ApiError, api } from "../../api/client.ts";
import { lookup, problemErrors, problemMessage } from "../../api/problem-errors.ts";
import type { Role } from "../../api/types.ts";
import { siteInputToInstant, siteTime } from "../../ui/site-time.ts";
import { ProductForm } from "./ProductForm.tsx";
import type { ProductUnit } from "./types.ts";

const tr = (key: string, values: Record<string, unknown> = {}) => lookup(key, values) ?? key;
export const stepLabel = (type: string) => lookup(`productSteps.step.${type}`) ?? type;

export function ProductSteps(props: {
  unit: ProductUnit;
  timeZone: string;
  roles: readonly Role[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { unit, timeZone, roles } = props;
  const [open, setOpen] = useState<ProductStep | null>(null);
  const { forward, endings } = stepsFor(unit.allowedEvents, roles, unit.kind);
  const mayMakeBag = makesFinalBag(unit) && roles.includes("manufacturing");
  if (forward.length === 0 && endings.length === 0 && !mayMakeBag) return null;
  const button = (type: ProductStep, ending: boolean) => (
    <Button
      key={type}
      size="sm"
      variant={open === type ? "filled" : "light"}
      color={ending ? "red" : undefined}
      aria-expanded={open === type}
      onClick={() => setOpen(open === type ? null : type)}
    >
      {stepLabel(type)}
    </Button>
  );
  return (
    <section aria-labelledby="steps-title">
      <Stack gap="sm">
        <Title order={2} size="h3" id="steps-title">
          {t("productSteps.title")}
        </Title>
        {forward.length > 0 && (
          <Group gap="xs" role="group" aria-label={t("productSteps.next")}>
            {forward.map((type) => button(type, false))}
          </Group>
        )}
        {endings.length > 0 && (
          <Group gap="xs" role="group" aria-label={t("productSteps.endings")}>
            {endings.map((type) => button(type, true))}
          </Group>
        )}
        {open && (
          <StepForm
            key={open}
            type={open}
            unit={unit}
            timeZone={timeZone}
            onDone={() => {
              setOpen(null);
              props.onDone();
            }}
          />
        )}
        {mayMakeBag && <FinalBagForm unit={unit} onDone={props.onDone} />}
      </Stack>
    </section>
  );
}

function StepForm(props: { type: ProductStep; unit: ProductUnit; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { type, unit, timeZone } = props;
  const [local, setLocal] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const needsReason = PRODUCT_STEPS[type].reason;

  async function submit() {
    setFailure(null);
    const at = local ? siteInputToInstant(local, timeZone) : null;
    if (local && !at) {
      setFailure(t("productSteps.needTime"));
      return;
    }
    setBusy(true);
    try {
      // No version: the machine refuses a step that no longer fits the product's state by its
      // rule, which says more than a version conflict would.
      await api.post(`/api/v1/product-units/${unit.id}/events`, stepBody(type, at, reason));
      props.onDone();
    } catch (err) {
      setFailure(stepRefusal(err, type, unit, timeZone));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ProductForm
      title={stepLabel(type)}
      intro={<Text size="sm">{lookup(`productSteps.help.${type}`) ?? ""}</Text>}
      refusedTitle={t("productSteps.refused")}
      busy={busy}
      failure={failure}
      submitLabel={t("productSteps.submit", { step: stepLabel(type) })}
      onSubmit={() => void submit()}
    >
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput
          type="datetime-local"
          label={t("productSteps.at", { zone: timeZone })}
          description={t("productSteps.atHelp")}
          size="md"
          value={local}
          onChange={(e) => setLocal(e.currentTarget.value)}
        />
      </Grid.Col>
      {needsReason && (
        <Grid.Col span={12}>
          <Textarea
            label={t("productSteps.reason")}
            required
            autosize
            minRows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
        </Grid.Col>
      )}
    </ProductForm>
  );
}

/** A refused step in plain words: its rule, with the record's times and states as the site reads them. */
export function stepRefusal(err: unknown, type: string, unit: ProductUnit, timeZone: string): string {
  if (!(err instanceof ApiError)) return problemMessage(err);
  const p = err.problem as Record<string, unknown>;
  const time = (v: unknown) => (typeof v === "string" ? siteTime(v, timeZone) : "—");
  const step = stepLabel(type);
  switch (p.rule) {
    case "V2V-TIME-BEFORE-PREVIOUS":
      return tr("productSteps.rule.beforePrevious", {
        step,
        event: lookup(`product.eventType.${String(p.previousEvent)}`) ?? tr("productSteps.rule.recording"),
        at: time(p.previousAt),
      });
    case "V2V-TIME-IN-FUTURE":
      return tr("productSteps.rule.future", { step, now: time(p.serverTime), skew: p.skewMinutes });
    case "V2V-PRODUCT-OUT-OF-SEQUENCE":
    case "V2V-PRODUCT-TERMINAL-STATE": {
      // the state the server found, which may have moved since this page was read
      const from = typeof p.from === "string" ? p.from : unit.state;
      return tr("productSteps.rule.outOfSequence", { step, state: lookup(`productState.${from}`) ?? from });
    }
    default: {
      const rule = typeof p.rule === "string" ? lookup(`problem.rule.${p.rule}`) : undefined;
      const issues = problemErrors(err).map((i) => i.message);
      return [rule ?? problemMessage(err), ...issues].join(" ");
    }
  }
}

/** Manufacturing records a bag of the lot made from this collection; its page is linked once made. */
function FinalBagForm({ unit, onDone }: { unit: ProductUnit; onDone: () => void }) {
  const { t } = useTranslation();
  const [productCode, setProductCode] = useState("");
  const [minutes, setMinutes] = useState<number | string>("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [made, setMade] = useState<{ id: string; productCode: string } | null>(null);

  async function submit() {
    setBusy(true);
    setFailure(null);
    setErrors({});
    try {
      const bag = await api.post<{ id: string; productCode: string }>(
        `/api/v1/product-units/${unit.id}/final-products`,
        {
          productCode: productCode.trim(),
          thawStabilityMinutes: typeof minutes === "number" ? minutes : null,
        },
      );
      setMade(bag);
      setProductCode("");
      setMinutes("");
      onDone();
    } catch (err) {
      const marked = fieldErrors(err);
      setErrors(marked);
      const rule =
        err instanceof ApiError && err.problem.rule ? lookup(`problem.rule.${err.problem.rule}`) : undefined;
      setFailure(
        rule ?? (Object.keys(marked).length > 0 ? t("productSteps.bag.notMade") : problemMessage(err)),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="xs">
      <ProductForm
        title={t("productSteps.bag.title")}
        intro={<Text size="sm">{t("productSteps.bag.intro")}</Text>}
        refusedTitle={t("productSteps.refused")}
        busy={busy}
        failure={failure}
        submitLabel={t("productSteps.bag.submit")}
        onSubmit={() => void submit()}
      >
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <TextInput
            label={t("productSteps.productCode")}
            description={t("productSteps.productCodeHelp")}
            size="md"
            required
            value={productCode}
            onChange={(e) => setProductCode(e.currentTarget.value)}
            error={errors["/productCode"]}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 6 }}>
          <NumberInput
            label={t("productSteps.bag.stability")}
            description={t("productSteps.bag.stabilityHelp")}
            size="md"
            required
            min={1}
            max={24 * 60}
            allowDecimal={false}
            value={minutes}
            onChange={setMinutes}
            error={errors["/thawStabilityMinutes"]}
          />
        </Grid.Col>
      </ProductForm>
      {made && (
        <Text role="status">
          {t("productSteps.bag.made", { code: made.productCode })}{" "}
          <Anchor component={Link} to={`/board/${made.id}`}>
            {t("productSteps.bag.open")}
          </Anchor>
        </Text>
      )}
    </Stack>
  );
}

/**
 * Field errors by pointer, in the reader's words; a product code that is not one (the server's
 * ISBT 128 pattern, services/products.ts) is told what one looks like rather than "wrong format".
 */
export function fieldErrors(err: unknown): Record<string, string> {
  return Object.fromEntries(
    problemErrors(err).map((i) => [
      i.path,
      i.path === "/productCode" ? tr("productSteps.productCodeRule") : i.message,
    ]),
  );
}
