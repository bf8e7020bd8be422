import { Text } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { CohortSummary } from "../../api/types.ts";
import { cohortNote } from "./cohort-words.ts";
import { ChartDownloads } from "./download.tsx";

const COLOUR: Record<string, string> = { lymphoma: "#364fc7", overlap: "#e67700", sle: "#2b8a3e" };

/**
 * One bar per patient: best change from baseline, largest increase on the left — SLEDAI-2K for
 * lupus, the tumour's SPD for lymphoma (with the −50 % partial-response line of Lugano 2014).
 */
export function WaterfallPlot({
  waterfall,
}: {
  waterfall: CohortSummary["waterfall"] | CohortSummary["tumourWaterfall"];
}) {
  const tumour = waterfall.measure === "SPD";
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  const data = waterfall.bars.map((b) => ({ ...b, change: Math.round(b.changePercent * 10) / 10 }));
  return (
    <div>
      <div ref={ref} role="img" aria-label={t("cohort.waterfall.label", { measure: waterfall.measure })}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="subjectCode"
              angle={-60}
              textAnchor="end"
              height={64}
              interval={0}
              fontSize={11}
            />
            <YAxis
              domain={[-100, (top: number) => Math.max(0, Math.ceil(top / 10) * 10)]}
              tickFormatter={(v: number) => `${v}%`}
              width={52}
            />
            <ReferenceLine y={0} stroke="#495057" />
            {tumour && <ReferenceLine y={-50} stroke="#495057" strokeDasharray="4 4" />}
            <Tooltip
              formatter={(v, _n, item) => {
                const b = item.payload as (typeof data)[number];
                return [`${v}% (${b.baseline} → ${b.best})`, waterfall.measure];
              }}
            />
            <Bar dataKey="change" isAnimationActive={false}>
              {data.map((b) => (
                <Cell key={b.patientId} fill={COLOUR[b.indication ?? ""] ?? "#495057"} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Text size="sm" c="dimmed">
        {cohortNote(waterfall.definition, `waterfall.${waterfall.measure}`)}{" "}
        {t(tumour ? "cohort.waterfall.tumourColours" : "cohort.waterfall.colours")}
      </Text>
      <ChartDownloads
        chart={ref}
        name={tumour ? "waterfall-spd" : "waterfall-sledai"}
        csv={() => ({
          header: ["subject", "indication", "baseline", "best", "change_percent"],
          rows: waterfall.bars.map((b) => [b.subjectCode, b.indication, b.baseline, b.best, b.changePercent]),
        })}
      />
    </div>
  );
}
