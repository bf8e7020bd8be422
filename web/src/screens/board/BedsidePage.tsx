/**
 * Bedside verification of a thawed bag by two people (shared/domain/workflow-standards.md §2.6):
 * the logged-in user and a second verifier from the site read the wristband and the bag label and
 * enter, or scan, what they read. Nothing is filled in from the record: the check is that what is
 * at the bedside matches what the server knows. Each person signs on this device with their own
 * password, an electronic signature meaning "verified product identity at bedside" (21 CFR Part 11,
 * docs/decisions/0022). POST /api/v1/products/{id}/bedside-verifications; a mismatch (422 with
 * `mismatches`) is the full-screen stop.
 */
import { Alert, Anchor, Button, Grid, NativeSelect, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteInputToInstant, siteTime } from "../../ui/site-time.ts";
import { BedsideStop } from "./BedsideStop.tsx";
import { ProductStateBadge } from "./ProductState.tsx";
import { meaningText } from "./SignedDecisions.tsx";
import type { ProductUnit, Verifier } from "./types.ts";

interface Passed {
  id: string;
  at: string;
}

const MEANING = "verified product identity at bedside";

const EMPTY = {
  firstPassword: "",
  secondUsername: "",
  secondPassword: "",
  patientSubjectCode: "",
  coiId: "",
  din: "",
  dinCheckCharacter: "",
  productCode: "",
  thawedAt: "",
};
type Entry = typeof EMPTY;

export function BedsidePage() {
  const { productId = "" } = useParams();
  const { site, session } = useSession();
  const loaded = useApi(async () => {
    const unit = await api.get<ProductUnit>(`/api/v1/product-units/${productId}`);
    const verifiers = await api.get<{ items: Verifier[] }>(`/api/v1/sites/${unit.siteId}/bedside-verifiers`);
    return { unit, verifiers: verifiers.items.filter((v) => v.id !== session.user.id) };
  }, [productId, site?.id]);
  return <Status loaded={loaded}>{(d) => <BedsideForm unit={d.unit} verifiers={d.verifiers} />}</Status>;
}

function BedsideForm({ unit, verifiers }: { unit: ProductUnit; verifiers: Verifier[] }) {
  const { session, sites } = useSession();
  const { t } = useTranslation();
  // The thaw time is read and entered on the site's clock (the bag's record is the site's), whatever
  // zone this tablet is set to.
  const timeZone = sites.find((x) => x.id === unit.siteId)?.timeZone ?? "UTC";
  const navigate = useNavigate();
  const [entry, setEntry] = useState<Entry>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [stop, setStop] = useState<{ mismatches: string[]; detail: string } | null>(null);
  const [passed, setPassed] = useState<Passed | null>(null);
  const set = (k: keyof Entry) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setEntry((x) => ({ ...x, [k]: v }));
  };
  const scan = { entry, errors, set };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    try {
      const thawed = entry.thawedAt ? siteInputToInstant(entry.thawedAt, timeZone) : null;
      const { firstPassword, secondUsername, secondPassword, ...read } = entry;
      const result = await api.post<Passed>(`/api/v1/products/${unit.id}/bedside-verifications`, {
        ...read,
        thawedAt: thawed ?? entry.thawedAt,
        signatures: [
          { username: session.user.username, password: firstPassword, meaning: MEANING },
          { username: secondUsername, password: secondPassword, meaning: MEANING },
        ],
      });
      setPassed(result);
    } catch (err) {
      const problem =
        err instanceof ApiError ? (err.problem as { mismatches?: string[]; detail?: string }) : {};
      if (err instanceof ApiError && err.status === 422 && Array.isArray(problem.mismatches))
        setStop({ mismatches: problem.mismatches, detail: problem.detail ?? "" });
      else {
        const field = (path: string) =>
          ({ "/signatures/0/password": "firstPassword", "/signatures/1/username": "secondUsername" })[path] ??
          (path.startsWith("/signatures/1") ? "secondPassword" : path.replace(/^\//, ""));
        setErrors(Object.fromEntries(problemErrors(err).map((i) => [field(i.path), i.message])));
        setFailure(problemMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  if (stop)
    return (
      <BedsideStop
        mismatches={stop.mismatches}
        detail={stop.detail}
        onAcknowledge={() => navigate(`/board/${unit.id}`)}
      />
    );

  return (
    <Stack maw={900}>
      <Text size="sm">
        <Anchor component={Link} to={`/board/${unit.id}`}>
          {t("bedside.back")}
        </Anchor>
      </Text>
      <Title order={1}>{t("bedside.title")}</Title>
      <Text>
        {t("bedside.bag", { code: unit.productCode })} <ProductStateBadge state={unit.state} /> —{" "}
        {t("bedside.intro")}
      </Text>
      {passed ? (
        <Alert color="green" role="status" title={t("bedside.passedTitle")}>
          {t("bedside.passedText", { at: siteTime(passed.at, timeZone, "second") })}
        </Alert>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <Grid>
            <Grid.Col span={12}>
              <Text fw={600}>{t("bedside.twoSignatures", { meaning: meaningText(MEANING) })}</Text>
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput label={t("bedside.first")} size="md" value={session.user.username} readOnly />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput
                type="password"
                label={t("bedside.firstPassword")}
                size="md"
                required
                autoComplete="current-password"
                value={entry.firstPassword}
                onChange={set("firstPassword")}
                error={errors.firstPassword}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <NativeSelect
                label={t("bedside.second")}
                size="md"
                required
                value={entry.secondUsername}
                onChange={set("secondUsername")}
                error={errors.secondUsername}
                data={[
                  { value: "", label: t("bedside.secondPick") },
                  ...verifiers.map((v) => ({
                    value: v.username,
                    label: v.displayName ? `${v.displayName} (${v.username})` : v.username,
                  })),
                ]}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput
                type="password"
                label={t("bedside.secondPassword")}
                description={t("bedside.secondPasswordHelp")}
                size="md"
                required
                autoComplete="off"
                value={entry.secondPassword}
                onChange={set("secondPassword")}
                error={errors.secondPassword}
              />
            </Grid.Col>
            <ScanField
              {...scan}
              field="patientSubjectCode"
              label={t("bedside.subjectCode")}
              description={t("bedside.scanOrType")}
              span={6}
            />
            <ScanField
              {...scan}
              field="coiId"
              label={t("bedside.coi")}
              description={t("bedside.fromLabel")}
              span={6}
            />
            <ScanField
              {...scan}
              field="din"
              label={t("bedside.din")}
              description={t("bedside.dinHelp")}
              span={8}
            />
            <ScanField
              {...scan}
              field="dinCheckCharacter"
              label={t("bedside.dinCheck")}
              description={t("bedside.dinCheckHelp")}
              span={4}
              maxLength={2}
            />
            <ScanField {...scan} field="productCode" label={t("bedside.productCode")} span={6} />
            <Grid.Col span={{ base: 12, sm: 6 }}>
              <TextInput
                type="datetime-local"
                step={1}
                label={t("bedside.thawTime", { zone: timeZone })}
                size="md"
                required
                value={entry.thawedAt}
                onChange={set("thawedAt")}
                error={errors.thawedAt}
              />
            </Grid.Col>
          </Grid>
          {failure && (
            <Alert color="red" role="alert" title={t("bedside.notChecked")} mt="md">
              {failure}
            </Alert>
          )}
          <Button type="submit" size="lg" mt="lg" loading={busy}>
            {t("bedside.verify")}
          </Button>
        </form>
      )}
    </Stack>
  );
}

/**
 * One scanned-or-typed bag/wristband field: never prefilled from the record (the check is only
 * independent if the verifier reads the label), large enough for a tablet.
 */
function ScanField(props: {
  entry: Entry;
  errors: Record<string, string>;
  set: (k: keyof Entry) => (e: { currentTarget: { value: string } }) => void;
  field: keyof Entry;
  label: string;
  description?: string;
  span: number;
  maxLength?: number;
}) {
  return (
    <Grid.Col span={{ base: 12, sm: props.span }}>
      <TextInput
        label={props.label}
        description={props.description}
        size="md"
        required
        maxLength={props.maxLength}
        autoComplete="off"
        value={props.entry[props.field]}
        onChange={props.set(props.field)}
        error={props.errors[props.field]}
      />
    </Grid.Col>
  );
}
