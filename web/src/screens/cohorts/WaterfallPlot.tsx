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
import { ChartDownloads } from "./download.tsx";

/** One bar per lupus patient: best SLEDAI-2K change from baseline, largest increase on the left. */
export function WaterfallPlot({ waterfall }: { waterfall: CohortSummary["waterfall"] }) {
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
            <YAxis domain={[-100, "auto"]} tickFormatter={(v: number) => `${v}%`} width={52} />
            <ReferenceLine y={0} stroke="#495057" />
            <Tooltip
              formatter={(v, _n, item) => {
                const b = item.payload as (typeof data)[number];
                return [`${v}% (${b.baseline} → ${b.best})`, waterfall.measure];
              }}
            />
            <Bar dataKey="change" isAnimationActive={false}>
              {data.map((b) => (
                <Cell key={b.patientId} fill={b.indication === "overlap" ? "#e67700" : "#2b8a3e"} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Text size="sm" c="dimmed">
        {waterfall.definition} {t("cohort.waterfall.colours")}
      </Text>
      <ChartDownloads
        chart={ref}
        name="waterfall"
        csv={() => ({
          header: ["subject", "indication", "baseline", "best", "change_percent"],
          rows: waterfall.bars.map((b) => [b.subjectCode, b.indication, b.baseline, b.best, b.changePercent]),
        })}
      />
    </div>
  );
}
