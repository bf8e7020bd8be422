/**
 * The signed decisions on a bag (21 CFR Part 11, docs/decisions/0022): QA's release, the OOS
 * exception with an investigator's and a QA signature, and QA's quarantine decision. Each form
 * takes the signers' own usernames and passwords typed on this device; the server checks them,
 * refuses a wrong password or one person signing twice, and writes nothing then. Which forms show
 * follows where the bag stands (the server's `releaseState`, the product state) and the user's
 * roles at the bag's site; the server decides again.
 */
import { Badge, Grid, NativeSelect, Table, Text, Textarea, TextInput } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { lookup, problemErrors, problemMessage } from "../../api/problem-errors.ts";
import { useSession } from "../../auth/session.tsx";
import { instantAt } from "../../ui/format.ts";
import { ProductForm } from "./ProductForm.tsx";
import type { ProductSignature } from "./types.ts";

/** Sends one signed request; on refusal keeps the problem's words and its field errors. */
function useSigning(onDone: () => void) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function send(path: string, body: unknown) {
    setBusy(true);
    setFailure(null);
    setErrors({});
    try {
      await api.post(path, body);
      onDone();
    } catch (err) {
      setErrors(Object.fromEntries(problemErrors(err).map((i) => [i.path, i.message])));
      setFailure(problemMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return { busy, failure, errors, send };
}

/**
 * One signer's username and password. Without `other` it is the signed-in user's signature (name
 * fixed, the request's first); with it, another person's, typed by them (the request's second).
 */
function SignatureFields(props: {
  label: string;
  password: string;
  onPassword: (v: string) => void;
  errors: Record<string, string>;
  other?: { username: string; onUsername: (v: string) => void };
}) {
  const { session } = useSession();
  const { t } = useTranslation();
  const mine = props.other === undefined;
  const errorPath = mine ? "/signatures/0" : "/signatures/1";
  return (
    <>
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput
          label={t("signing.username", { who: props.label })}
          size="md"
          required
          readOnly={mine}
          autoComplete="off"
          value={props.other?.username ?? session.user.username}
          onChange={(e) => props.other?.onUsername(e.currentTarget.value)}
          error={props.errors[`${errorPath}/username`]}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput
          type="password"
          label={t("signing.password", { who: props.label })}
          description={t(mine ? "signing.yourPassword" : "signing.theirPassword")}
          size="md"
          required
          autoComplete={mine ? "current-password" : "off"}
          value={props.password}
          onChange={(e) => props.onPassword(e.currentTarget.value)}
          error={props.errors[`${errorPath}/password`] ?? props.errors[errorPath]}
        />
      </Grid.Col>
    </>
  );
}

/** A signing form: the shared product-page frame, saying what the signature means. */
function SigningForm({
  meaning,
  ...props
}: Omit<Parameters<typeof ProductForm>[0], "refusedTitle" | "intro"> & { meaning: string }) {
  const { t } = useTranslation();
  return (
    <ProductForm
      {...props}
      intro={<Text size="sm">{t("signing.means", { meaning: meaningText(meaning) })}</Text>}
      refusedTitle={t("signing.notSigned")}
    />
  );
}

export function QaReleaseForm({ productId, onDone }: { productId: string; onDone: () => void }) {
  const { session } = useSession();
  const { t } = useTranslation();
  const [password, setPassword] = useState("");
  const s = useSigning(onDone);
  return (
    <SigningForm
      title={t("signing.release")}
      meaning="released"
      submitLabel={t("signing.releaseSubmit")}
      busy={s.busy}
      failure={s.failure}
      onSubmit={() =>
        void s.send(`/api/v1/product-units/${productId}/release`, {
          signatures: [{ username: session.user.username, password, meaning: "released" }],
        })
      }
    >
      <SignatureFields
        label={t("signing.quality")}
        password={password}
        onPassword={setPassword}
        errors={s.errors}
      />
    </SigningForm>
  );
}

/**
 * The exception to use an out-of-specification bag: the signed-in user signs in their capacity
 * (investigator or QA) and the other capacity is signed by a different person on the same device.
 */
export function OosExceptionForm(props: {
  productId: string;
  myCapacity: "investigator" | "qa";
  onDone: () => void;
}) {
  const { session } = useSession();
  const { t } = useTranslation();
  const other = props.myCapacity === "investigator" ? "qa" : "investigator";
  const name = { investigator: t("signing.investigator"), qa: t("signing.qa") };
  const [rationale, setRationale] = useState("");
  const [password, setPassword] = useState("");
  const [otherUsername, setOtherUsername] = useState("");
  const [otherPassword, setOtherPassword] = useState("");
  const s = useSigning(props.onDone);
  const meaning = "approved deviation";
  return (
    <SigningForm
      title={t("signing.oos")}
      meaning={meaning}
      submitLabel={t("signing.oosSubmit")}
      busy={s.busy}
      failure={s.failure}
      onSubmit={() =>
        void s.send(`/api/v1/product-units/${props.productId}/oos-exception/signatures`, {
          rationale,
          signatures: [
            { username: session.user.username, password, meaning, capacity: props.myCapacity },
            { username: otherUsername, password: otherPassword, meaning, capacity: other },
          ],
        })
      }
    >
      <Grid.Col span={12}>
        <Textarea
          label={t("signing.rationale")}
          required
          autosize
          minRows={2}
          value={rationale}
          onChange={(e) => setRationale(e.currentTarget.value)}
          error={s.errors["/rationale"]}
        />
      </Grid.Col>
      <SignatureFields
        label={name[props.myCapacity]}
        password={password}
        onPassword={setPassword}
        errors={s.errors}
      />
      <SignatureFields
        label={name[other]}
        password={otherPassword}
        onPassword={setOtherPassword}
        errors={s.errors}
        other={{ username: otherUsername, onUsername: setOtherUsername }}
      />
    </SigningForm>
  );
}

export function QuarantineDecisionForm({ productId, onDone }: { productId: string; onDone: () => void }) {
  const { session } = useSession();
  const { t } = useTranslation();
  const [decision, setDecision] = useState<"release" | "discard">("release");
  const [reason, setReason] = useState("");
  const [password, setPassword] = useState("");
  const s = useSigning(onDone);
  const meaning = decision === "release" ? "released from quarantine" : "rejected";
  return (
    <SigningForm
      title={t("signing.quarantine")}
      meaning={meaning}
      submitLabel={t("signing.quarantineSubmit")}
      busy={s.busy}
      failure={s.failure}
      onSubmit={() =>
        void s.send(`/api/v1/product-units/${productId}/quarantine-decisions`, {
          decision,
          reason,
          signatures: [{ username: session.user.username, password, meaning }],
        })
      }
    >
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <NativeSelect
          label={t("signing.decision")}
          size="md"
          value={decision}
          onChange={(e) => setDecision(e.currentTarget.value as "release" | "discard")}
          data={[
            { value: "release", label: t("signing.decisionRelease") },
            { value: "discard", label: t("signing.decisionDiscard") },
          ]}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 8 }}>
        <TextInput
          label={t("signing.reason")}
          size="md"
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={s.errors["/reason"]}
        />
      </Grid.Col>
      <SignatureFields
        label={t("signing.quality")}
        password={password}
        onPassword={setPassword}
        errors={s.errors}
      />
    </SigningForm>
  );
}

/** A signature's meaning in the reader's words; the signed record keeps the English meaning. */
export const meaningText = (meaning: string) => lookup(`signing.meaning.${meaning}`) ?? meaning;

/** Every signature on the bag, with printed name, time at the site, meaning and whether it verifies. */
export function SignatureTable({ items, timeZone }: { items: ProductSignature[]; timeZone: string }) {
  const { t } = useTranslation();
  return (
    <Table striped captionSide="top">
      <Table.Caption>{t("signing.tableCaption", { count: items.length })}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t("signing.record")}</Table.Th>
          <Table.Th scope="col">{t("signing.signedBy")}</Table.Th>
          <Table.Th scope="col">{t("signing.as")}</Table.Th>
          <Table.Th scope="col">{t("signing.meaningCol")}</Table.Th>
          <Table.Th scope="col">{t("signing.signedAt")}</Table.Th>
          <Table.Th scope="col">{t("signing.check")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.length === 0 && (
          <Table.Tr>
            <Table.Td colSpan={6}>
              <Text c="dimmed" size="sm">
                {t("signing.noneYet")}
              </Text>
            </Table.Td>
          </Table.Tr>
        )}
        {items.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>{lookup(`signing.recordKind.${s.recordKind}`) ?? s.recordKind}</Table.Td>
            <Table.Td>
              {s.printedName} ({s.signerUsername})
            </Table.Td>
            <Table.Td>{lookup(`role.${s.signedAs}`) ?? s.signedAs}</Table.Td>
            <Table.Td>{meaningText(s.meaning)}</Table.Td>
            <Table.Td>{instantAt(s.signedAt, timeZone)}</Table.Td>
            <Table.Td>
              {s.valid ? (
                <Badge color="green" variant="light">
                  {t("signing.verifies")}
                </Badge>
              ) : (
                <Badge color="red" variant="filled">
                  {t("signing.doesNotMatch")}
                </Badge>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
