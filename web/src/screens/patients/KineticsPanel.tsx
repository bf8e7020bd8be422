import { Alert, Button, Chip, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type {
  KineticsObservable,
  KineticsStrategy,
  KineticsStrategyResult,
  OutcomeSummary,
  PatientKinetics,
  Summary,
} from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { Status } from "../../ui/Status.tsx";
import { COLOURS, dayTicks } from "./Charts.tsx";

/** The what-if switches; "as-given" (her own product and dose) is always drawn. */
const WHAT_IFS: Exclude<KineticsStrategy, "as-given">[] = [
  "cd19-only",
  "bcma-only",
  "compound",
  "co-infusion",
  "half-dose",
  "double-dose",
];

/** A strategy's name in the reader's language; the server's label when the catalogue has none. */
const strategyName = (s: KineticsStrategyResult) => lookup(`kinetics.strategies.${s.strategy}`) ?? s.label;

interface Panel {
  observable: KineticsObservable;
  /** a unit symbol, or a catalogue key (`kinetics.units.*`) for a unit in words */
  unit: string;
  /** log scale from this floor: populations CAR-T cells drive to ~0 would squash a linear axis */
  logFloor?: number;
}

const PANELS: Panel[] = [
  { observable: "carTCellsPerUL", unit: "cells/µL", logFloor: 0.01 },
  { observable: "bCellsPerUL", unit: "cells/µL", logFloor: 0.1 },
  { observable: "igGgPerL", unit: "g/L" },
  { observable: "antiDsDnaIuPerML", unit: "IU/mL", logFloor: 1 },
  // lymphoma burden from imaging, relative to the one at infusion: drawn only when she has one
  { observable: "tumourRelative", unit: "kinetics.units.relative", logFloor: 0.001 },
];

/** A measured quantity's name in the reader's language. */
const observableName = (o: string) => lookup(`kinetics.observables.${o}`) ?? o;

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const decade = (v: number) => {
  const e = Math.round(Math.log10(v));
  return `10${String(e)
    .split("")
    .map((c) => (c === "-" ? "⁻" : SUPERSCRIPT[Number(c)]))
    .join("")}`;
};
/** 3 significant digits; thousands separated, and small rates (0.000121/d) not rounded to 0 */
const fmt = (x: number | null | undefined) => {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const v = Number(x.toPrecision(3));
  return Math.abs(v) >= 1000 ? v.toLocaleString("en") : String(v);
};
const summary = (s: Summary, words: { never: string; ofDraws: (percent: number) => string }) =>
  s.median === null
    ? words.never
    : `${fmt(s.median)} (${fmt(s.lower)}–${fmt(s.upper)})${s.reached < 1 ? words.ofDraws(Math.round(100 * s.reached)) : ""}`;

/** One chart: the measured points, the fitted curve with its 90% band, and each what-if's curve. */
function KineticsChart({
  panel,
  k,
  shown,
}: {
  panel: Panel;
  k: PatientKinetics;
  shown: KineticsStrategyResult[];
}) {
  const { t } = useTranslation();
  const asGiven = k.strategies[0]!;
  const floor = panel.logFloor;
  const clamp = (v: number) => (floor === undefined ? v : Math.max(floor, v));
  const band = asGiven.curves[panel.observable]!;
  const rows: Record<string, number | [number, number] | undefined>[] = asGiven.days.map((day, d) => {
    const row: Record<string, number | [number, number] | undefined> = {
      day,
      band: [clamp(band.lower[d]!), clamp(band.upper[d]!)],
      fitted: clamp(band.central[d]!),
    };
    for (const s of shown) row[s.strategy] = clamp(s.curves[panel.observable]!.central[d]!);
    return row;
  });
  for (const p of k.data.filter((x) => x.observable === panel.observable)) {
    const row = rows[p.day];
    if (!row) continue;
    if (p.value === null) row.belowLimit = clamp(p.lloq);
    else row.measured = clamp(p.value);
  }
  const horizon = asGiven.days.length - 1;
  const values = rows.flatMap((r) =>
    Object.entries(r)
      .filter(([key]) => key !== "day")
      .flatMap(([, v]) => (Array.isArray(v) ? v : typeof v === "number" ? [v] : [])),
  );
  let ticks: number[] | undefined;
  let domain: [number, number] | [number, "auto"] = [0, "auto"];
  if (floor !== undefined) {
    const lo = Math.floor(Math.log10(Math.max(floor, Math.min(...values))));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))));
    ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    domain = [10 ** lo, 10 ** hi];
  }
  const id = `kinetics-${panel.observable}`;
  return (
    <Paper withBorder p="sm" component="figure" m={0} aria-labelledby={id}>
      <Title order={4} size="h5" id={id}>
        {observableName(panel.observable)} ({lookup(panel.unit) ?? panel.unit})
      </Title>
      <Text size="xs" c="dark.4" mb={4} component="figcaption">
        {t("kinetics.caption", { code: k.subjectCode })}
        {floor !== undefined ? ` ${t("kinetics.logScale")}` : ""}
      </Text>
      <div style={{ width: "100%", height: 230 }}>
        <ResponsiveContainer>
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="day"
              type="number"
              domain={[0, horizon]}
              ticks={dayTicks([0, horizon])}
              tickFormatter={(d: number) => `D${d}`}
            />
            <YAxis
              scale={floor !== undefined ? "log" : "auto"}
              domain={domain}
              allowDataOverflow={floor !== undefined}
              {...(ticks ? { ticks } : {})}
              tickFormatter={(v: number) => (floor !== undefined ? decade(v) : String(v))}
              width={52}
            />
            <Tooltip
              labelFormatter={(d) => t("kinetics.studyDay", { day: d })}
              formatter={(v: unknown) =>
                Array.isArray(v) ? `${fmt(v[0] as number)}–${fmt(v[1] as number)}` : fmt(v as number)
              }
            />
            {/* legend text in the page's colour: recharts takes each item's fill, white for "below limit" */}
            <Legend
              wrapperStyle={{ fontSize: 12 }}
              formatter={(value: string) => <span style={{ color: "#212529" }}>{value}</span>}
            />
            <Area
              dataKey="band"
              name={t("kinetics.band")}
              stroke="none"
              fill={COLOURS[0]}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
            <Line
              dataKey="fitted"
              name={t("kinetics.fitted")}
              stroke={COLOURS[0]}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            {shown.map((s, i) => (
              <Line
                key={s.strategy}
                dataKey={s.strategy}
                name={strategyName(s)}
                stroke={COLOURS[(i + 1) % COLOURS.length]}
                strokeWidth={2}
                strokeDasharray="6 3"
                dot={false}
                isAnimationActive={false}
              />
            ))}
            <Scatter
              dataKey="measured"
              name={t("kinetics.measured")}
              fill="#212529"
              isAnimationActive={false}
            />
            <Scatter
              dataKey="belowLimit"
              name={t("kinetics.belowLimit")}
              shape="square"
              fill="#ffffff"
              stroke="#212529"
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </Paper>
  );
}

const OUTCOMES = [
  "carTPeakCellsPerUL",
  "carTPeakDay",
  "bCellAplasiaDays",
  "igGNadirGPerL",
  "antiDsDnaNegativeDay",
  "tumourCleared",
] as const satisfies readonly (keyof OutcomeSummary)[];

function OutcomeTable({ strategies }: { strategies: KineticsStrategyResult[] }) {
  const { t } = useTranslation();
  return (
    <Table striped withTableBorder fz="sm" aria-label={t("kinetics.outcomesTable")}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("kinetics.outcomeHeader")}</Table.Th>
          {strategies.map((s) => (
            <Table.Th key={s.strategy}>{strategyName(s)}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {OUTCOMES.map((key) => (
          <Table.Tr key={key}>
            <Table.Td>{t(`kinetics.outcomes.${key}`)}</Table.Td>
            {strategies.map((s) => (
              <Table.Td key={s.strategy}>
                {key === "tumourCleared" && s.summary[key].reached === 0
                  ? t("kinetics.noTumour")
                  : summary(s.summary[key], {
                      never: t("kinetics.never"),
                      ofDraws: (percent) => t("kinetics.ofDraws", { percent }),
                    })}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function FitDetails({ k }: { k: PatientKinetics }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Table withTableBorder fz="sm" aria-label={t("kinetics.parameters")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("kinetics.parameter")}</Table.Th>
            <Table.Th>{t("kinetics.estimate")}</Table.Th>
            <Table.Th>{t("kinetics.populationMedian")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {k.fit.parameters.map((p) => (
            <Table.Tr key={p.name}>
              <Table.Td>
                {p.name}{" "}
                <Text span size="xs" c="dark.4">
                  {p.unit}
                </Text>
              </Table.Td>
              <Table.Td>
                {fmt(p.estimate)} ({fmt(p.lower)}–{fmt(p.upper)})
              </Table.Td>
              <Table.Td>{fmt(p.prior.median)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Stack gap="xs">
        <Table withTableBorder fz="sm" aria-label={t("kinetics.goodness")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("kinetics.measuredQuantity")}</Table.Th>
              <Table.Th>{t("kinetics.nBelowLimit")}</Table.Th>
              <Table.Th>{t("kinetics.rms")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {k.fit.goodness.observables.map((o) => (
              <Table.Tr key={o.observable}>
                <Table.Td>{observableName(o.observable)}</Table.Td>
                <Table.Td>
                  {o.n} ({o.censored})
                </Table.Td>
                <Table.Td>{o.rmsZ.toFixed(2)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dark.4">
          {t(k.fit.converged ? "kinetics.converged" : "kinetics.notConverged")}{" "}
          {t("kinetics.fitNote", { reason: k.fit.reason, starts: k.fit.starts })}
          {k.fit.unidentified.length > 0 &&
            ` ${t("kinetics.unidentified", { names: k.fit.unidentified.join(", ") })}`}{" "}
          {t("kinetics.dosing", { source: k.dosing.source })}
        </Text>
      </Stack>
    </SimpleGrid>
  );
}

/**
 * The kinetics research model for one patient (GET /api/v1/patients/{id}/kinetics): her measured
 * values with the fitted curves and bands, and what-if strategies. Fitted on request, since a fit
 * takes a second or two on the server.
 */
export function KineticsPanel({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="kinetics-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3" id="kinetics-title">
          {t("kinetics.title")}
        </Title>
        <Button variant="light" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? t("kinetics.hide") : t("kinetics.fit")}
        </Button>
      </Group>
      {open && <KineticsBody patientId={patientId} />}
    </section>
  );
}

function KineticsBody({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [whatIfs, setWhatIfs] = useState<string[]>([]);
  const loaded = useApi(
    () =>
      api.get<PatientKinetics>(
        `/api/v1/patients/${patientId}/kinetics`,
        whatIfs.length ? { strategy: whatIfs.join(",") } : {},
      ),
    [patientId, whatIfs.join(",")],
  );
  return (
    <Stack gap="sm">
      <Alert color="yellow" variant="light" title={t("kinetics.warningTitle")}>
        {t("kinetics.warning")}
      </Alert>
      <Group gap="xs" aria-label={t("kinetics.whatIfs")}>
        <Text size="sm" fw={500}>
          {t("kinetics.whatIf")}
        </Text>
        <Chip.Group multiple value={whatIfs} onChange={setWhatIfs}>
          {WHAT_IFS.map((w) => (
            <Chip key={w} value={w} size="sm">
              {t(`kinetics.whatIfChips.${w}`)}
            </Chip>
          ))}
        </Chip.Group>
        {loaded.loading && loaded.data && (
          <Text size="xs" c="dark.4" role="status">
            {t("kinetics.simulating")}
          </Text>
        )}
      </Group>
      <Status loaded={loaded}>
        {(k) => {
          const shown = k.strategies.slice(1);
          return (
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                {PANELS.filter((p) => k.strategies[0]!.curves[p.observable]).map((p) => (
                  <KineticsChart key={p.observable} panel={p} k={k} shown={shown} />
                ))}
              </SimpleGrid>
              <OutcomeTable strategies={k.strategies} />
              <FitDetails k={k} />
            </Stack>
          );
        }}
      </Status>
    </Stack>
  );
}
