import { Title } from "@mantine/core";
import type { ClinicalEvent, Medication, Observation } from "../../api/types.ts";
import { ChartGrid, StudyDayChart } from "./Charts.tsx";
import { carCopiesSeries, LOINC, observationSeries, steroidSeries } from "./series.ts";

interface Props {
  day0: string;
  timeZone: string;
  observations: Observation[];
  medications: Medication[];
  events: ClinicalEvent[];
}

/** The course around the infusion: from the first result to the last, day 0 always in view. */
export function PatientCharts({ day0, timeZone, observations, medications, events }: Props) {
  const obs = (codes: Record<string, string>) => observationSeries(observations, codes, day0, timeZone);
  const copies = carCopiesSeries(events, day0, timeZone);
  const cd19 = obs({ cd19: LOINC.cd19 });
  const dsDna = obs({ antiDsDna: LOINC.antiDsDna });
  const complement = obs({ c3: LOINC.c3, c4: LOINC.c4 });
  const counts = obs({
    wbc: LOINC.wbc,
    neutrophils: LOINC.neutrophils,
    lymphocytes: LOINC.lymphocytes,
    platelets: LOINC.platelets,
  });
  const days = [cd19, dsDna, complement, counts, copies].flat().map((p) => p.day);
  const from = Math.min(0, ...days) - 3;
  const to = Math.max(30, ...days) + 3;
  const domain: [number, number] = [from, to];
  const steroids = steroidSeries(medications, day0, from, to);

  return (
    <section aria-labelledby="charts-title">
      <Title order={2} size="h3" id="charts-title" mb="xs">
        Course around the infusion
      </Title>
      <ChartGrid>
        <StudyDayChart
          title="CAR-T copies"
          description="CAR transgene copies per µg genomic DNA (qPCR), logarithmic scale"
          data={copies}
          series={[{ key: "copies", name: "copies/µg gDNA" }]}
          domain={domain}
          log
        />
        <StudyDayChart
          title="CD19+ B cells"
          description="CD19+ cells per µL of blood"
          data={cd19}
          series={[{ key: "cd19", name: "CD19+", unit: "/µL" }]}
          domain={domain}
        />
        <StudyDayChart
          title="Anti-dsDNA"
          description="Anti-double-stranded DNA antibodies, IU/mL"
          data={dsDna}
          series={[{ key: "antiDsDna", name: "anti-dsDNA", unit: "IU/mL" }]}
          domain={domain}
        />
        <StudyDayChart
          title="Complement C3 and C4"
          description="Serum C3 and C4, mg/dL"
          data={complement}
          series={[
            { key: "c3", name: "C3", unit: "mg/dL" },
            { key: "c4", name: "C4", unit: "mg/dL" },
          ]}
          domain={domain}
        />
        <StudyDayChart
          title="Blood counts"
          description="Leukocytes, neutrophils and lymphocytes (10³/µL, left); platelets (10³/µL, right)"
          data={counts}
          series={[
            { key: "wbc", name: "WBC", unit: "10³/µL" },
            { key: "neutrophils", name: "ANC", unit: "10³/µL" },
            { key: "lymphocytes", name: "ALC", unit: "10³/µL" },
            { key: "platelets", name: "Platelets", unit: "10³/µL", axis: "right" },
          ]}
          domain={domain}
        />
        <StudyDayChart
          title="Glucocorticoid dose"
          description="Systemic glucocorticoids in prednisolone-equivalent mg per day (BNF equivalences, read by the server)"
          data={steroids}
          series={[{ key: "mg", name: "prednisolone-equivalent mg/day" }]}
          domain={domain}
          bars
        />
      </ChartGrid>
    </section>
  );
}
