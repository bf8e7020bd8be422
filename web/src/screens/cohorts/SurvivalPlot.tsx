import { Table, Text } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SurvivalAnalysis, SurvivalGroup } from "../../api/types.ts";
import { serverText } from "../../i18n/server-text.ts";
import { COLOURS } from "../patients/Charts.tsx";
import { cohortNote, groupLabel } from "./cohort-words.ts";
import { ChartDownloads } from "./download.tsx";

/** A step curve for recharts: each point starts the survival that holds until the next. */
function steps(g: SurvivalGroup): { months: number; survival: number; censored: boolean }[] {
  const points = [{ months: 0, survival: 1, censored: false }];
  for (const c of g.curve)
    points.push({ months: c.months, survival: c.survival, censored: c.nCensor > 0 && c.nEvent === 0 });
  return points;
}

const percent = (x: number | null) => (x === null ? "–" : `${Math.round(100 * x)}%`);

/** Kaplan–Meier curves (one per group, or all patients) with the numbers at risk below. */
export function SurvivalPlot({ analysis }: { analysis: SurvivalAnalysis }) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  const title = serverText(analysis.title, t(`cohort.endpoints.${analysis.endpoint}`));
  const groups = analysis.groups.length > 0 ? analysis.groups : [analysis.all];
  const maxMonths = Math.max(12, ...groups.flatMap((g) => g.curve.map((c) => c.months)));
  const riskTimes = analysis.all.riskTable.map((r) => r.time).filter((t) => t <= maxMonths);
  const file = analysis.endpoint;
  return (
    <div>
      <div ref={ref} role="img" aria-label={t("cohort.survival.curves", { title })}>
        <ResponsiveContainer width="100%" height={340}>
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="months"
              type="number"
              domain={[0, Math.ceil(maxMonths)]}
              ticks={riskTimes}
              label={{ value: t("cohort.monthsSinceInfusion"), position: "insideBottom", offset: -2 }}
              height={44}
            />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} width={48} />
            <Tooltip
              formatter={(v) => percent(Number(v))}
              labelFormatter={(m) => t("cohort.monthsAt", { months: Number(m).toFixed(1) })}
            />
            <Legend verticalAlign="bottom" wrapperStyle={{ paddingTop: 8 }} />
            {groups.map((g, i) => (
              <Line
                key={g.key}
                data={steps(g)}
                dataKey="survival"
                name={`${groupLabel(g)} (n=${g.n})`}
                type="stepAfter"
                stroke={COLOURS[i % COLOURS.length]}
                strokeWidth={2}
                isAnimationActive={false}
                dot={(p: { cx?: number; cy?: number; payload?: { censored: boolean }; index?: number }) =>
                  p.payload?.censored ? (
                    <path
                      key={`${g.key}-${p.index}`}
                      d={`M${(p.cx ?? 0) - 4},${p.cy} h8 M${p.cx},${(p.cy ?? 0) - 4} v8`}
                      stroke={COLOURS[i % COLOURS.length]}
                      strokeWidth={1.5}
                    />
                  ) : (
                    <g key={`${g.key}-${p.index}`} />
                  )
                }
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <Table.ScrollContainer minWidth={320}>
        <Table fz="xs" aria-label={t("cohort.survival.atRiskTable", { title })}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t("cohort.survival.atRisk")}</Table.Th>
              {riskTimes.map((time) => (
                <Table.Th scope="col" key={time}>
                  {time} {t("cohort.survival.monthsShort")}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((g) => (
              <Table.Tr key={g.key}>
                <Table.Th scope="row">{groupLabel(g)}</Table.Th>
                {g.riskTable
                  .filter((r) => r.time <= maxMonths)
                  .map((r) => (
                    <Table.Td key={r.time}>{r.nRisk}</Table.Td>
                  ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm" c="dimmed">
        {cohortNote(analysis.definition, `survival.${analysis.endpoint}`)}{" "}
        {t("cohort.survival.censoredTicks")}
        {analysis.logRank?.pValue != null &&
          ` ${t("cohort.survival.logRank", {
            chi: analysis.logRank.chiSquare?.toFixed(2),
            df: analysis.logRank.df,
            p: analysis.logRank.pValue.toPrecision(2),
          })}`}
      </Text>
      <ChartDownloads
        chart={ref}
        name={file}
        csv={() => ({
          header: ["group", "months", "survival", "lower", "upper", "at_risk", "events", "censored"],
          rows: groups.flatMap((g) =>
            g.curve.map((c) => [
              groupLabel(g),
              c.months,
              c.survival,
              c.lower,
              c.upper,
              c.nRisk,
              c.nEvent,
              c.nCensor,
            ]),
          ),
        })}
      />
    </div>
  );
}
