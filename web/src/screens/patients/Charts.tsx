import { Paper, SimpleGrid, Text, Title } from "@mantine/core";
import { type ReactNode, useId } from "react";
import { useTranslation } from "react-i18next";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { CoursePoint as Point } from "../../api/types.ts";
import { i18n } from "../../i18n/index.ts";

// Colours from Mantine's darker shades: distinguishable and ≥ 3:1 against white (WCAG 1.4.11).
export const COLOURS = ["#364fc7", "#c92a2a", "#2b8a3e", "#e67700", "#862e9c"];

export interface SeriesSpec {
  key: string;
  name: string;
  unit?: string;
  axis?: "left" | "right";
}

interface ChartProps {
  title: string;
  description: string;
  data: Point[];
  series: SeriesSpec[];
  domain: [number, number];
  log?: boolean;
  bars?: boolean;
  yLabel?: string;
  rightLabel?: string;
  /** moments of the story marked on the day axis (day 0 is always marked) */
  milestones?: { day: number; label: string; mark: string }[];
}

const dayTick = (d: number) =>
  d < 0 ? i18n.t("format.studyDayBefore", { days: -d }) : i18n.t("format.studyDay", { day: d });

/** Study-day ticks on round steps that always include day 0. */
export function dayTicks([from, to]: [number, number]): number[] {
  const span = to - from;
  const step = span <= 60 ? 7 : span <= 200 ? 30 : span <= 500 ? 90 : 180;
  const ticks: number[] = [];
  for (let d = Math.ceil(from / step) * step; d <= to; d += step) ticks.push(d);
  return ticks;
}

const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const powerOfTen = (v: number) => {
  const e = Math.round(Math.log10(v));
  return `10${String(e)
    .split("")
    .map((c) => (c === "-" ? "⁻" : SUPERSCRIPT[Number(c)]))
    .join("")}`;
};

/** Decades that hold every value of the log-scale series. */
function logTicks(data: Point[], keys: string[]): number[] {
  const values = data
    .flatMap((p) => keys.map((k) => p[k]))
    .filter((v): v is number => typeof v === "number" && v > 0);
  if (values.length === 0) return [1, 10];
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  return ticks;
}

function Frame({
  title,
  description,
  children,
  empty,
}: {
  title: string;
  description: string;
  children: ReactNode;
  empty: boolean;
}) {
  // useId, not the title: a Chinese title has no ASCII letters to make a unique id from.
  const id = useId();
  const { t } = useTranslation();
  return (
    <Paper withBorder p="sm" component="figure" m={0} aria-labelledby={id}>
      <Title order={3} size="h5" id={id}>
        {title}
      </Title>
      <Text size="xs" c="dark.4" mb={4} component="figcaption">
        {description}
      </Text>
      {empty ? (
        <Text size="sm" c="dark.4">
          {t("patientScreens.charts.noResults")}
        </Text>
      ) : (
        <div style={{ width: "100%", height: 220 }}>{children}</div>
      )}
    </Paper>
  );
}

/** One time-course chart on the study-day axis with day 0 (the infusion) marked. */
export function StudyDayChart({
  title,
  description,
  data,
  series,
  domain,
  log,
  bars,
  yLabel,
  rightLabel,
  milestones = [],
}: ChartProps) {
  const { t } = useTranslation();
  const inRange = data.filter((p) => p.day >= domain[0] && p.day <= domain[1]);
  const empty = !inRange.some((p) =>
    series.some((s) => typeof p[s.key] === "number" && (!bars || p[s.key]! > 0)),
  );
  const decades = log
    ? logTicks(
        inRange,
        series.map((s) => s.key),
      )
    : [];
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis
        dataKey="day"
        type="number"
        domain={domain}
        ticks={dayTicks(domain)}
        tickFormatter={dayTick}
        allowDataOverflow
      />
      <YAxis
        yAxisId="left"
        scale={log ? "log" : "auto"}
        domain={log ? [decades[0]!, decades[decades.length - 1]!] : [0, "auto"]}
        {...(log ? { ticks: decades } : {})}
        allowDataOverflow={log}
        width={56}
        tickFormatter={(v: number) => (log ? powerOfTen(v) : String(v))}
        label={yLabel ? { value: yLabel, angle: -90, position: "insideLeft", fontSize: 11 } : undefined}
      />
      {series.some((s) => s.axis === "right") && (
        <YAxis
          yAxisId="right"
          orientation="right"
          domain={[0, "auto"]}
          width={48}
          label={
            rightLabel ? { value: rightLabel, angle: 90, position: "insideRight", fontSize: 11 } : undefined
          }
        />
      )}
      <ReferenceLine
        x={0}
        yAxisId="left"
        stroke="#212529"
        strokeDasharray="4 2"
        label={{ value: t("patientScreens.charts.day0"), position: "top", fontSize: 11 }}
      />
      {milestones
        .filter((m) => m.day !== 0 && m.day >= domain[0] && m.day <= domain[1])
        .map((m, i) => (
          <ReferenceLine
            key={m.label}
            x={m.day}
            yAxisId="left"
            stroke="#5f3dc4"
            strokeDasharray="2 3"
            // Alternate top and bottom so marks of close days do not overlap.
            label={{
              value: m.mark,
              position: i % 2 ? "insideBottomLeft" : "insideTopLeft",
              fontSize: 10,
              fill: "#5f3dc4",
            }}
          />
        ))}
      <Tooltip labelFormatter={(d) => t("patientScreens.charts.studyDay", { day: dayTick(Number(d)) })} />
      {series.length > 1 && <Legend />}
    </>
  );
  return (
    <Frame title={title} description={description} empty={empty}>
      <ResponsiveContainer>
        {bars ? (
          <BarChart data={inRange} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
            {common}
            {series.map((s, i) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                yAxisId="left"
                fill={COLOURS[i % COLOURS.length]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        ) : (
          <LineChart data={inRange} margin={{ top: 16, right: 8, bottom: 0, left: 0 }}>
            {common}
            {series.map((s, i) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.unit ? `${s.name} (${s.unit})` : s.name}
                yAxisId={s.axis ?? "left"}
                stroke={COLOURS[i % COLOURS.length]}
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </Frame>
  );
}

export function ChartGrid({ children }: { children: ReactNode }) {
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
      {children}
    </SimpleGrid>
  );
}
