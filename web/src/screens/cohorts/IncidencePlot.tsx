import { Text } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CompetingRisks } from "../../api/types.ts";
import { serverText } from "../../i18n/server-text.ts";
import { COLOURS } from "../patients/Charts.tsx";
import { cohortNote } from "./cohort-words.ts";
import { ChartDownloads } from "./download.tsx";

/** Cumulative incidence of progression and of non-relapse mortality (all patients), as rising steps. */
export function IncidencePlot({ risks }: { risks: CompetingRisks }) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  const title = serverText(risks.title, t("cohort.endpoints.competingRisks"));
  const causes = risks.all.causes;
  const end = Math.max(12, ...causes.flatMap((c) => c.curve.map((p) => p.months)));
  const series = causes.map((c) => [
    { months: 0, estimate: 0 },
    ...c.curve.map((p) => ({ months: p.months, estimate: p.estimate })),
    { months: end, estimate: c.curve.at(-1)?.estimate ?? 0 },
  ]);
  return (
    <div>
      <div ref={ref} role="img" aria-label={t("cohort.incidence.label", { title })}>
        <ResponsiveContainer width="100%" height={280}>
          <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="months"
              type="number"
              domain={[0, Math.ceil(end)]}
              label={{ value: t("cohort.monthsSinceInfusion"), position: "insideBottom", offset: -2 }}
              height={44}
            />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} width={48} />
            <Tooltip
              formatter={(v) => `${Math.round(Number(v) * 100)}%`}
              labelFormatter={(m) => t("cohort.monthsAt", { months: Number(m).toFixed(1) })}
            />
            <Legend verticalAlign="bottom" wrapperStyle={{ paddingTop: 8 }} />
            {causes.map((c, i) => (
              <Line
                key={c.cause}
                data={series[i]}
                dataKey="estimate"
                name={t("cohort.incidence.events", { cause: c.cause, count: c.events })}
                type="stepAfter"
                stroke={COLOURS[(i + 1) % COLOURS.length]}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <Text size="sm" c="dimmed">
        {cohortNote(risks.definition, "competingRisks")}{" "}
        {t("cohort.incidence.atTwelve", {
          n: risks.all.n,
          list: causes
            .map((c) => {
              const l = c.landmarks.find((x) => x.months === 12);
              return `${c.cause} ${l?.estimate == null ? "–" : `${Math.round(l.estimate * 100)}%`}`;
            })
            .join(", "),
        })}
      </Text>
      <ChartDownloads
        chart={ref}
        name="cumulative-incidence"
        csv={() => ({
          header: ["cause", "months", "estimate", "lower", "upper"],
          rows: causes.flatMap((c) => c.curve.map((p) => [c.cause, p.months, p.estimate, p.lower, p.upper])),
        })}
      />
    </div>
  );
}
