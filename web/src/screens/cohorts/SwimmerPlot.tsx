import { Text } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import type { SwimmerLane } from "../../api/types.ts";
import { ChartDownloads } from "./download.tsx";

/**
 * One lane per patient from infusion to the last contact: the first response, progression and
 * death marked on it, an arrow when the patient is still followed. Drawn as plain SVG because a
 * swimmer plot is lanes and markers, which a chart library's bar and scatter series only imitate.
 */
const LANE = 22;
const LEFT = 84;
const WIDTH = 760;
const TOP = 28;

const INDICATION_COLOUR: Record<string, string> = {
  lymphoma: "#364fc7",
  myeloma: "#862e9c",
  sle: "#2b8a3e",
  overlap: "#e67700",
};

export function SwimmerPlot({ lanes }: { lanes: SwimmerLane[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const { t } = useTranslation();
  const max = Math.max(12, ...lanes.map((l) => l.followUpMonths));
  const step = max <= 24 ? 3 : max <= 60 ? 6 : 12;
  const x = (m: number) => LEFT + (m / max) * (WIDTH - LEFT - 24);
  const height = TOP + lanes.length * LANE + 24;
  const ticks: number[] = [];
  for (let m = 0; m <= max; m += step) ticks.push(m);
  return (
    <div>
      <div ref={ref}>
        <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby="swimmer-title">
          <title id="swimmer-title">{t("cohort.swimmer.label")}</title>
          {ticks.map((t) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={TOP - 6} y2={height - 20} stroke="#dee2e6" />
              <text x={x(t)} y={height - 6} fontSize={11} textAnchor="middle" fill="#495057">
                {t}
              </text>
            </g>
          ))}
          <text x={WIDTH - 24} y={TOP - 12} fontSize={11} textAnchor="end" fill="#495057">
            {t("cohort.swimmer.axis")}
          </text>
          {lanes.map((p, i) => {
            const y = TOP + i * LANE + LANE / 2;
            const months = p.followUpMonths;
            const colour = INDICATION_COLOUR[p.indication ?? ""] ?? "#495057";
            const at = (m: number | null) => (m === null ? null : x(m));
            const response = at(p.responseMonths);
            const progression = at(p.progressionMonths);
            const death = at(p.deathMonths);
            return (
              <g key={p.patientId}>
                <text x={LEFT - 8} y={y + 4} fontSize={11} textAnchor="end" fill="#212529">
                  {p.subjectCode}
                </text>
                <rect
                  x={x(0)}
                  y={y - 6}
                  width={Math.max(1, x(months) - x(0))}
                  height={12}
                  fill={colour}
                  rx={2}
                >
                  <title>
                    {t("cohort.swimmer.lane", {
                      code: p.subjectCode,
                      indication: p.indication
                        ? t(`cohort.indications.${p.indication}`)
                        : t("cohort.swimmer.unclassified"),
                      months: months.toFixed(1),
                    })}
                  </title>
                </rect>
                {p.ongoing && <path d={`M${x(months) + 2},${y - 6} l8,6 l-8,6 z`} fill={colour} />}
                {response !== null && (
                  <circle cx={response} cy={y} r={4.5} fill="#ffffff" stroke="#212529" strokeWidth={1.5}>
                    <title>{t("cohort.swimmer.response")}</title>
                  </circle>
                )}
                {progression !== null && (
                  <path d={`M${progression},${y - 6} l5,6 l-5,6 l-5,-6 z`} fill="#c92a2a" stroke="#ffffff">
                    <title>{t("cohort.swimmer.progression")}</title>
                  </path>
                )}
                {death !== null && (
                  <path
                    d={`M${death - 5},${y - 5} l10,10 M${death + 5},${y - 5} l-10,10`}
                    stroke="#000000"
                    strokeWidth={2.5}
                  >
                    <title>{t("cohort.swimmer.death")}</title>
                  </path>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <Text size="sm" c="dimmed">
        {t("cohort.swimmer.legend")}
      </Text>
      <ChartDownloads
        chart={ref}
        name="swimmer"
        csv={() => ({
          header: [
            "subject",
            "indication",
            "follow_up_months",
            "response_months",
            "progression_months",
            "death_months",
            "ongoing",
          ],
          rows: lanes.map((p) => [
            p.subjectCode,
            p.indication,
            p.followUpMonths,
            p.responseMonths,
            p.progressionMonths,
            p.deathMonths,
            p.ongoing,
          ]),
        })}
      />
    </div>
  );
}
