import { Title } from "@mantine/core";
import type { PatientCourse } from "../../api/types.ts";
import { ChartGrid, StudyDayChart } from "./Charts.tsx";
import type { Milestone } from "./milestones.ts";

type Course = NonNullable<PatientCourse["course"]>;

/**
 * The course around the infusion: from the first result to the last, day 0 always in view. The
 * points, their study days and the glucocorticoid equivalents come from the API
 * (GET /api/v1/patients/{id}/course); this component only draws them.
 */
export function PatientCharts({ course, milestones = [] }: { course: Course; milestones?: Milestone[] }) {
  const {
    copies,
    cd19,
    antiDsDna: dsDna,
    complement,
    counts,
    glucocorticoidMgPerDay: steroids,
  } = course.charts;
  const domain: [number, number] = [course.window.from, course.window.to];
  // Lupus markers only for a patient who has them: a lymphoma-only patient gets no empty charts.
  const lupus = dsDna.length > 0 || complement.length > 0;

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
          milestones={milestones}
          log
        />
        <StudyDayChart
          title="CD19+ B cells"
          description="CD19+ cells per µL of blood"
          data={cd19}
          series={[{ key: "cd19", name: "CD19+", unit: "/µL" }]}
          domain={domain}
          milestones={milestones}
        />
        {lupus && (
          <>
            <StudyDayChart
              title="Anti-dsDNA"
              description="Anti-double-stranded DNA antibodies, IU/mL"
              data={dsDna}
              series={[{ key: "antiDsDna", name: "anti-dsDNA", unit: "IU/mL" }]}
              domain={domain}
              milestones={milestones}
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
              milestones={milestones}
            />
          </>
        )}
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
          milestones={milestones}
        />
        <StudyDayChart
          title="Glucocorticoid dose"
          description="Systemic glucocorticoids in prednisolone-equivalent mg per day (BNF equivalences, read by the server)"
          data={steroids}
          series={[{ key: "mg", name: "prednisolone-equivalent mg/day" }]}
          domain={domain}
          milestones={milestones}
          bars
        />
      </ChartGrid>
    </section>
  );
}
