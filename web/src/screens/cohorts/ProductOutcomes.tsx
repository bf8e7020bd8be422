import { Table, Text } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import {
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { CohortSummary, TreatedPatient } from "../../api/types.ts";
import { ColumnHeads } from "../../ui/ColumnHeads.tsx";
import { COLOURS } from "../patients/Charts.tsx";
import { cohortNote } from "./cohort-words.ts";
import { ChartDownloads } from "./download.tsx";

/**
 * The infused bag against what followed (issue 12, "chain of identity joined to outcomes"): dose,
 * CAR+ %, vector copy number, vein-to-vein time and out-of-specification use per patient next to
 * the best response, the worst CRS grade and the CAR-T peak, and two scatter plots. Every value
 * comes from the server; patients without an administered bag are left out and counted.
 */
const outcomeOf = (p: TreatedPatient) =>
  p.lymphoma?.best ?? (p.lupus ? (p.lupus.dorisDate ? "DORIS" : p.lupus.lldasDate ? "LLDAS" : "–") : "–");
const millions = (n: number | null | undefined) => (n == null ? "–" : (n / 1e6).toFixed(0));

/** Cmax (log scale) against one product attribute, one coloured series per group. */
function CmaxScatter({
  label,
  name,
  x,
  series,
  height,
}: {
  label: string;
  /** the downloaded files' name */
  name: string;
  x: { key: string; title: string };
  series: { name: string; points: { code: string; cmax: number; value: number }[]; colour: string }[];
  height: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div>
      <div ref={ref} role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height={height}>
          <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="value"
              type="number"
              name={x.title}
              label={{ value: x.title, position: "insideBottom", offset: -2 }}
              height={44}
            />
            <YAxis
              dataKey="cmax"
              type="number"
              scale="log"
              domain={["auto", "auto"]}
              name="Cmax"
              width={70}
              tickFormatter={(v: number) => v.toExponential(0)}
            />
            <Tooltip formatter={(v) => String(v)} />
            {series.length > 1 && <Legend verticalAlign="bottom" wrapperStyle={{ paddingTop: 8 }} />}
            {series.map((s) => (
              <Scatter key={s.name} name={s.name} data={s.points} fill={s.colour} isAnimationActive={false} />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ChartDownloads
        chart={ref}
        name={name}
        csv={() => ({
          header: ["series", "subject", x.key, "cmax"],
          rows: series.flatMap((s) => s.points.map((p) => [s.name, p.code, p.value, p.cmax])),
        })}
      />
    </div>
  );
}

export function ProductOutcomes({
  patients,
  correlations,
}: {
  patients: TreatedPatient[];
  correlations: CohortSummary["productCorrelations"];
}) {
  const { t } = useTranslation();
  const withBag = patients.filter((p) => p.product !== null);
  const byGrade = [0, 1, 2, 3, 4, 5]
    .map((g) => ({
      grade: g,
      points: withBag
        .filter((p) => p.crs.maxGrade === g && p.carCmax !== null && p.product?.carPositiveCells != null)
        .map((p) => ({ value: p.product!.carPositiveCells! / 1e6, cmax: p.carCmax!, code: p.subjectCode })),
    }))
    .filter((g) => g.points.length > 0);
  const v2v = withBag
    .filter((p) => p.product?.veinToVeinDays != null && p.carCmax !== null)
    .map((p) => ({ value: p.product!.veinToVeinDays!, cmax: p.carCmax!, code: p.subjectCode }));
  return (
    <div>
      <CmaxScatter
        label={t("cohort.products.doseScatter")}
        name="cmax-against-dose"
        x={{ key: "car_cells_1e6", title: t("cohort.products.doseAxis") }}
        series={byGrade.map((g) => ({
          name: t("cohort.products.crsGrade", { grade: g.grade }),
          points: g.points,
          colour: COLOURS[g.grade % COLOURS.length]!,
        }))}
        height={260}
      />
      <CmaxScatter
        label={t("cohort.products.v2vScatter")}
        name="cmax-against-vein-to-vein"
        x={{ key: "vein_to_vein_days", title: t("cohort.products.v2vAxis") }}
        series={[{ name: t("cohort.products.patients"), points: v2v, colour: COLOURS[0]! }]}
        height={220}
      />
      <Table.ScrollContainer minWidth={640}>
        <Table fz="sm" aria-label={t("cohort.panels.products")}>
          <ColumnHeads
            names={(
              [
                "patient",
                "carCells",
                "carPercent",
                "vcn",
                "veinToVein",
                "oos",
                "bestResponse",
                "crsMax",
                "cmax",
              ] as const
            ).map((k) => t(`cohort.columns.${k}`))}
          />
          <Table.Tbody>
            {withBag.map((p) => (
              <Table.Tr key={p.patientId}>
                <Table.Th scope="row">{p.subjectCode}</Table.Th>
                <Table.Td>{millions(p.product?.carPositiveCells)}</Table.Td>
                <Table.Td>{p.product?.carPositivePercent ?? "–"}</Table.Td>
                <Table.Td>{p.product?.vectorCopyNumber ?? "–"}</Table.Td>
                <Table.Td>{p.product?.veinToVeinDays ?? "–"}</Table.Td>
                <Table.Td>{p.product?.outOfSpecification ? t("common.yes") : t("common.no")}</Table.Td>
                <Table.Td>{outcomeOf(p)}</Table.Td>
                <Table.Td>{p.crs.maxGrade ?? "–"}</Table.Td>
                <Table.Td>{p.carCmax?.toLocaleString("en-GB") ?? "–"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" c="dimmed">
        {t("cohort.products.withBag", { withBag: withBag.length, n: patients.length })}
      </Text>
      <Table.ScrollContainer minWidth={520}>
        <Table fz="sm" aria-label={t("cohort.correlation.table")}>
          <ColumnHeads
            names={(["attribute", "outcome", "n", "rho", "p"] as const).map((k) =>
              t(`cohort.correlation.${k}`),
            )}
          />
          <Table.Tbody>
            {correlations.rows.map((r) => (
              <Table.Tr key={`${r.attribute}-${r.outcome}`}>
                <Table.Th scope="row">{t(`cohort.correlation.attributes.${r.attribute}`)}</Table.Th>
                <Table.Td>{t(`cohort.correlation.outcomes.${r.outcome}`)}</Table.Td>
                <Table.Td>{r.n}</Table.Td>
                <Table.Td>{r.rho === null ? "–" : r.rho.toFixed(2)}</Table.Td>
                <Table.Td>
                  {r.pValue === null ? "–" : r.pValue < 0.001 ? "< 0.001" : r.pValue.toFixed(3)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" c="dimmed">
        {cohortNote(correlations.method, "correlations")}
      </Text>
    </div>
  );
}
