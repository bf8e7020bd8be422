import { Alert, Button, Chip, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
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
const WHAT_IFS: { value: KineticsStrategy; label: string }[] = [
  { value: "cd19-only", label: "CD19 only" },
  { value: "bcma-only", label: "BCMA only" },
  { value: "compound", label: "Compound CD19/BCMA" },
  { value: "co-infusion", label: "Co-infusion" },
  { value: "half-dose", label: "Dose ×0.5" },
  { value: "double-dose", label: "Dose ×2" },
];

interface Panel {
  observable: KineticsObservable;
  title: string;
  unit: string;
  /** log scale from this floor: populations CAR-T cells drive to ~0 would squash a linear axis */
  logFloor?: number;
}

const PANELS: Panel[] = [
  { observable: "carTCellsPerUL", title: "CAR-T cells", unit: "cells/µL", logFloor: 0.01 },
  { observable: "bCellsPerUL", title: "CD19+ B cells", unit: "cells/µL", logFloor: 0.1 },
  { observable: "igGgPerL", title: "IgG", unit: "g/L" },
  { observable: "antiDsDnaIuPerML", title: "Anti-dsDNA", unit: "IU/mL", logFloor: 1 },
];

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
const summary = (s: Summary) =>
  s.median === null
    ? "never"
    : `${fmt(s.median)} (${fmt(s.lower)}–${fmt(s.upper)})${s.reached < 1 ? `, ${Math.round(100 * s.reached)}% of draws` : ""}`;

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
        {panel.title} ({panel.unit})
      </Title>
      <Text size="xs" c="dark.4" mb={4} component="figcaption">
        Dots: measured ({k.subjectCode}); open squares: below the assay's limit. Line and shading: fitted
        curve with its 90% band.{floor !== undefined ? " Logarithmic scale." : ""}
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
              labelFormatter={(d) => `Study day D${d}`}
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
              name="90% band"
              stroke="none"
              fill={COLOURS[0]}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
            <Line
              dataKey="fitted"
              name="Fitted (as given)"
              stroke={COLOURS[0]}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            {shown.map((s, i) => (
              <Line
                key={s.strategy}
                dataKey={s.strategy}
                name={s.label}
                stroke={COLOURS[(i + 1) % COLOURS.length]}
                strokeWidth={2}
                strokeDasharray="6 3"
                dot={false}
                isAnimationActive={false}
              />
            ))}
            <Scatter dataKey="measured" name="Measured" fill="#212529" isAnimationActive={false} />
            <Scatter
              dataKey="belowLimit"
              name="Below limit"
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

const OUTCOMES: [keyof OutcomeSummary, string][] = [
  ["carTPeakCellsPerUL", "CAR-T peak (cells/µL)"],
  ["carTPeakDay", "CAR-T peak day"],
  ["bCellAplasiaDays", "B-cell aplasia (days)"],
  ["igGNadirGPerL", "IgG nadir (g/L)"],
  ["antiDsDnaNegativeDay", "Anti-dsDNA negative (day)"],
  ["tumourCleared", "Lymphoma cleared (share of draws)"],
];

function OutcomeTable({ strategies }: { strategies: KineticsStrategyResult[] }) {
  return (
    <Table striped withTableBorder fz="sm" aria-label="Predicted outcomes per strategy">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Outcome — median (90% band)</Table.Th>
          {strategies.map((s) => (
            <Table.Th key={s.strategy}>{s.label}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {OUTCOMES.map(([key, title]) => (
          <Table.Tr key={key}>
            <Table.Td>{title}</Table.Td>
            {strategies.map((s) => (
              <Table.Td key={s.strategy}>
                {key === "tumourCleared" && s.summary[key].reached === 0
                  ? "no tumour"
                  : summary(s.summary[key])}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function FitDetails({ k }: { k: PatientKinetics }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      <Table withTableBorder fz="sm" aria-label="Fitted parameters">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Parameter</Table.Th>
            <Table.Th>Estimate (90% interval)</Table.Th>
            <Table.Th>Population median</Table.Th>
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
        <Table withTableBorder fz="sm" aria-label="Goodness of fit">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Measured</Table.Th>
              <Table.Th>n (below limit)</Table.Th>
              <Table.Th>RMS of standardised residuals</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {k.fit.goodness.observables.map((o) => (
              <Table.Tr key={o.observable}>
                <Table.Td>
                  {PANELS.find((p) => p.observable === o.observable)?.title ?? o.observable}
                </Table.Td>
                <Table.Td>
                  {o.n} ({o.censored})
                </Table.Td>
                <Table.Td>{o.rmsZ.toFixed(2)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dark.4">
          {k.fit.converged ? "Converged" : "Did not converge"} ({k.fit.reason}; best of {k.fit.starts}{" "}
          starts). An RMS near 1 means the data scatter around the curve as the assay's error model expects.
          {k.fit.unidentified.length > 0 &&
            ` Not informed by these data, left at the population prior: ${k.fit.unidentified.join(", ")}.`}{" "}
          Dosing: {k.dosing.source}.
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
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="kinetics-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3" id="kinetics-title">
          Kinetics (research model)
        </Title>
        <Button variant="light" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
          {open ? "Hide the model" : "Fit the model"}
        </Button>
      </Group>
      {open && <KineticsBody patientId={patientId} />}
    </section>
  );
}

function KineticsBody({ patientId }: { patientId: string }) {
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
      <Alert color="yellow" variant="light" title="Research model — not a treatment recommendation">
        A mathematical model of CAR-T expansion and of the B cells, plasma cells and antibodies it removes,
        fitted to this patient's recorded values. Its parameters rest partly on assumptions; what-ifs show
        what the model predicts, not what a treatment would do.
      </Alert>
      <Group gap="xs" aria-label="What-if strategies">
        <Text size="sm" fw={500}>
          What if:
        </Text>
        <Chip.Group multiple value={whatIfs} onChange={setWhatIfs}>
          {WHAT_IFS.map((w) => (
            <Chip key={w.value} value={w.value} size="sm">
              {w.label}
            </Chip>
          ))}
        </Chip.Group>
        {loaded.loading && loaded.data && (
          <Text size="xs" c="dark.4" role="status">
            Simulating…
          </Text>
        )}
      </Group>
      <Status loaded={loaded}>
        {(k) => {
          const shown = k.strategies.slice(1);
          return (
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                {PANELS.map((p) => (
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
