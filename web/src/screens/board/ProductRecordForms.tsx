/**
 * What is recorded on a product unit from its page, besides the signed decisions
 * (SignedDecisions.tsx): a custody hand-off, a temperature logger's file, QC results, and the
 * printed labels. Times are entered on the site's clock with its zone named. The server judges
 * everything (excursions and quarantine, the evaluation against the specification) and a refusal
 * is shown in the reader's words from its code; nothing is written then.
 */
import {
  Anchor,
  Button,
  FileInput,
  Grid,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  ATTRIBUTE_UNITS,
  QC_ATTRIBUTES,
  QUALITATIVE_ATTRIBUTES,
  QUALITATIVE_RESULTS,
} from "../../../../src/domain/release-specs.ts";
import { api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";
import { siteInputToInstant, siteNowInput, siteTime } from "../../ui/site-time.ts";
import { type Reading, readLoggerFile } from "./logger-file.ts";
import { ProductForm } from "./ProductForm.tsx";

/** Sends one record; on refusal keeps the problem's words and its field errors by pointer. */
function useSending() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function send<T>(path: string, body: unknown): Promise<T | null> {
    setBusy(true);
    setFailure(null);
    setErrors({});
    try {
      return await api.post<T>(path, body);
    } catch (err) {
      setErrors(Object.fromEntries(problemErrors(err).map((i) => [i.path, i.message])));
      setFailure(problemMessage(err));
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { busy, failure, errors, send, setFailure };
}

/** A record form: the shared product-page frame with the record forms' refusal heading. */
function RecordForm(props: Omit<Parameters<typeof ProductForm>[0], "refusedTitle">) {
  const { t } = useTranslation();
  return <ProductForm {...props} refusedTitle={t("product.refused")} />;
}

export function HandOffForm(props: { productId: string; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const empty = { fromParty: "", toParty: "", place: "", shipperId: "", loggerId: "", conditionNote: "" };
  const [entry, setEntry] = useState(empty);
  const [at, setAt] = useState(() => siteNowInput(props.timeZone));
  const [done, setDone] = useState<string | null>(null);
  const s = useSending();
  const set = (k: keyof typeof empty) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setEntry((x) => ({ ...x, [k]: v }));
  };
  async function submit() {
    setDone(null);
    const optional = (v: string) => (v.trim() === "" ? undefined : v.trim());
    const sent = await s.send(`/api/v1/product-units/${props.productId}/hand-offs`, {
      fromParty: entry.fromParty,
      toParty: entry.toParty,
      place: entry.place,
      at: siteInputToInstant(at, props.timeZone) ?? at,
      shipperId: optional(entry.shipperId),
      loggerId: optional(entry.loggerId),
      conditionNote: optional(entry.conditionNote),
    });
    if (sent) {
      setEntry(empty);
      setDone(t("product.handOff.done"));
      props.onDone();
    }
  }
  const field = (k: keyof typeof empty, label: string, required: boolean, span = 4) => (
    <Grid.Col span={{ base: 12, sm: span }}>
      <TextInput
        label={label}
        size="md"
        required={required}
        value={entry[k]}
        onChange={set(k)}
        error={s.errors[`/${k}`]}
      />
    </Grid.Col>
  );
  return (
    <RecordForm
      title={t("product.handOff.title")}
      submitLabel={t("product.handOff.submit")}
      busy={s.busy}
      failure={s.failure}
      done={done}
      onSubmit={() => void submit()}
    >
      {field("fromParty", t("product.handOff.from"), true)}
      {field("toParty", t("product.handOff.to"), true)}
      {field("place", t("product.handOff.place"), true)}
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <TextInput
          type="datetime-local"
          label={t("product.handOff.at", { zone: props.timeZone })}
          size="md"
          required
          value={at}
          onChange={(e) => setAt(e.currentTarget.value)}
          error={s.errors["/at"]}
        />
      </Grid.Col>
      {field("shipperId", t("product.handOff.shipper"), false)}
      {field("loggerId", t("product.handOff.logger"), false)}
      {field("conditionNote", t("product.handOff.condition"), false, 12)}
    </RecordForm>
  );
}

type QuarantineOutcome = "quarantined" | "already-quarantined" | "not-needed" | "not-possible-in-this-state";

export function LoggerUploadForm(props: { productId: string; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [loggerId, setLoggerId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [readings, setReadings] = useState<Reading[] | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const s = useSending();

  async function pick(f: File | null) {
    setFile(f);
    setReadings(null);
    setFileError(null);
    setDone(null);
    if (!f) return;
    const read = readLoggerFile(await f.text(), props.timeZone);
    if (read.ok) setReadings(read.readings);
    else
      setFileError(
        read.problem === "empty"
          ? t("product.loggerUpload.empty")
          : t("product.loggerUpload.badLine", { line: read.line, text: read.text }),
      );
  }
  async function submit() {
    setDone(null);
    if (!readings) {
      setFileError(fileError ?? t("product.loggerUpload.empty"));
      return;
    }
    const result = await s.send<{ quarantine: QuarantineOutcome }>(
      `/api/v1/product-units/${props.productId}/logger-readings`,
      { loggerId, readings },
    );
    if (result) {
      setDone(t(`product.loggerUpload.result.${result.quarantine}`));
      setFile(null);
      setReadings(null);
      props.onDone();
    }
  }
  const first = readings?.[0];
  const last = readings?.at(-1);
  return (
    <RecordForm
      title={t("product.loggerUpload.title")}
      submitLabel={t("product.loggerUpload.submit")}
      busy={s.busy}
      failure={s.failure}
      done={done}
      onSubmit={() => void submit()}
    >
      <Grid.Col span={{ base: 12, sm: 4 }}>
        <TextInput
          label={t("product.loggerUpload.loggerId")}
          size="md"
          required
          value={loggerId}
          onChange={(e) => setLoggerId(e.currentTarget.value)}
          error={s.errors["/loggerId"]}
        />
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 8 }}>
        <FileInput
          label={t("product.loggerUpload.file")}
          description={t("product.loggerUpload.fileHelp", { zone: props.timeZone })}
          size="md"
          required
          accept=".csv,.txt,.tsv,text/csv,text/plain"
          value={file}
          onChange={(f) => void pick(f)}
          error={fileError ?? s.errors["/readings"]}
        />
      </Grid.Col>
      {first && last && (
        <Grid.Col span={12}>
          <Text size="sm" role="status">
            {t("product.loggerUpload.parsed", {
              count: readings?.length ?? 0,
              from: siteTime(first.at, props.timeZone),
              to: siteTime(last.at, props.timeZone),
            })}
          </Text>
        </Grid.Col>
      )}
    </RecordForm>
  );
}

type QcAttribute = (typeof QC_ATTRIBUTES)[number];
interface QcRow {
  value: string | number;
  unit: string;
  method: string;
}
const isQualitative = (a: QcAttribute) => (QUALITATIVE_ATTRIBUTES as readonly string[]).includes(a);
const unitsOf = (a: QcAttribute) =>
  isQualitative(a) ? [] : ATTRIBUTE_UNITS[a as keyof typeof ATTRIBUTE_UNITS];

/** One row a tested attribute; rows left empty are not sent. */
export function QcResultsForm(props: { productId: string; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation();
  const blank = () =>
    Object.fromEntries(
      QC_ATTRIBUTES.map((a) => [a, { value: "", unit: unitsOf(a)[0] ?? "", method: "" }]),
    ) as Record<QcAttribute, QcRow>;
  const [rows, setRows] = useState(blank);
  const [testedAt, setTestedAt] = useState(() => siteNowInput(props.timeZone));
  const [done, setDone] = useState<string | null>(null);
  const [sentOrder, setSentOrder] = useState<QcAttribute[]>([]);
  const s = useSending();
  const set = (a: QcAttribute, k: keyof QcRow, v: string | number) =>
    setRows((x) => ({ ...x, [a]: { ...x[a], [k]: v } }));

  async function submit() {
    setDone(null);
    const filled = QC_ATTRIBUTES.filter((a) => rows[a].value !== "");
    if (filled.length === 0) {
      s.setFailure(t("product.qcEntry.nothing"));
      return;
    }
    setSentOrder(filled);
    const at = siteInputToInstant(testedAt, props.timeZone) ?? testedAt;
    const results = filled.map((a) =>
      isQualitative(a)
        ? { attribute: a, valueCode: rows[a].value, method: rows[a].method, testedAt: at }
        : {
            attribute: a,
            valueNumber: Number(rows[a].value),
            unit: rows[a].unit,
            method: rows[a].method,
            testedAt: at,
          },
    );
    if (await s.send(`/api/v1/product-units/${props.productId}/qc-results`, { results })) {
      setRows(blank());
      setDone(t("product.qcEntry.done"));
      props.onDone();
    }
  }
  const errorOf = (a: QcAttribute, k: string) => {
    const i = sentOrder.indexOf(a);
    return i < 0 ? undefined : s.errors[`/results/${i}/${k}`];
  };
  return (
    <RecordForm
      title={t("product.qcEntry.title")}
      submitLabel={t("product.qcEntry.submit")}
      busy={s.busy}
      failure={s.failure}
      done={done}
      onSubmit={() => void submit()}
    >
      <Grid.Col span={12}>
        <Text size="sm">{t("product.qcEntry.help")}</Text>
      </Grid.Col>
      <Grid.Col span={{ base: 12, sm: 6 }}>
        <TextInput
          type="datetime-local"
          label={t("product.qcEntry.testedAt", { zone: props.timeZone })}
          size="md"
          required
          value={testedAt}
          onChange={(e) => setTestedAt(e.currentTarget.value)}
          error={s.errors["/results/0/testedAt"]}
        />
      </Grid.Col>
      <Grid.Col span={12}>
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("product.attribute")}</Table.Th>
                <Table.Th scope="col">{t("product.qcEntry.value")}</Table.Th>
                <Table.Th scope="col">{t("product.qcEntry.unit")}</Table.Th>
                <Table.Th scope="col">{t("product.qcEntry.method")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {QC_ATTRIBUTES.map((a) => {
                const name = t(`product.qcAttribute.${a}`);
                const units = unitsOf(a);
                return (
                  <Table.Tr key={a}>
                    <Table.Th scope="row">{name}</Table.Th>
                    <Table.Td>
                      {isQualitative(a) ? (
                        <NativeSelect
                          aria-label={`${name} · ${t("product.qcEntry.value")}`}
                          value={String(rows[a].value)}
                          onChange={(e) => set(a, "value", e.currentTarget.value)}
                          error={errorOf(a, "valueCode")}
                          data={[
                            { value: "", label: t("product.qcEntry.notTested") },
                            ...QUALITATIVE_RESULTS.map((r) => ({
                              value: r,
                              label: t(`product.qualitative.${r}`),
                            })),
                          ]}
                        />
                      ) : (
                        <NumberInput
                          aria-label={`${name} · ${t("product.qcEntry.value")}`}
                          min={0}
                          hideControls
                          value={rows[a].value}
                          onChange={(v) => set(a, "value", v)}
                          error={errorOf(a, "valueNumber")}
                        />
                      )}
                    </Table.Td>
                    <Table.Td>
                      {units.length > 1 ? (
                        <NativeSelect
                          aria-label={`${name} · ${t("product.qcEntry.unit")}`}
                          value={rows[a].unit}
                          onChange={(e) => set(a, "unit", e.currentTarget.value)}
                          error={errorOf(a, "unit")}
                          data={units.map((u) => ({ value: u, label: u }))}
                        />
                      ) : (
                        <Text size="sm">{units[0] ?? "—"}</Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <TextInput
                        aria-label={`${name} · ${t("product.qcEntry.method")}`}
                        value={rows[a].method}
                        onChange={(e) => set(a, "method", e.currentTarget.value)}
                        error={errorOf(a, "method")}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Grid.Col>
    </RecordForm>
  );
}

/** The bag's label and its sample labels, rendered by the server (GET …/label), opened to print. */
export function LabelLinks({ productId }: { productId: string }) {
  const { t } = useTranslation();
  const [copies, setCopies] = useState<string | number>(4);
  const path = `/api/v1/product-units/${productId}/label`;
  return (
    <Stack gap="xs">
      <Text size="sm">{t("product.labelsHelp")}</Text>
      <Group align="end" wrap="wrap">
        <Button component="a" href={`${path}?kind=bag`} target="_blank" rel="noopener" variant="light">
          {t("product.printBagLabel")}
        </Button>
        <NumberInput
          label={t("product.copies")}
          min={1}
          max={20}
          w={200}
          value={copies}
          onChange={setCopies}
        />
        <Anchor href={`${path}?kind=sample&copies=${Number(copies) || 1}`} target="_blank" rel="noopener">
          {t("product.printSampleLabels")}
        </Anchor>
      </Group>
    </Stack>
  );
}
