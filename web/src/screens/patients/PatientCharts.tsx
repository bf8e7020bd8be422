import { Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
  const domain: [number, number] = [course.window.from, course.window.to];
  // Lupus markers only for a patient who has them: a lymphoma-only patient gets no empty charts.
  const lupus = dsDna.length > 0 || complement.length > 0;

  return (
    <section aria-labelledby="charts-title">
      <Title order={2} size="h3" id="charts-title" mb="xs">
        {t("patientScreens.charts.title")}
      </Title>
      <ChartGrid>
        <StudyDayChart
          title={t("patientScreens.charts.copies")}
          description={t("patientScreens.charts.copiesHelp")}
          data={copies}
          series={[{ key: "copies", name: t("patientScreens.charts.copiesSeries") }]}
          domain={domain}
          milestones={milestones}
          log
        />
        <StudyDayChart
          title={t("patientScreens.charts.cd19")}
          description={t("patientScreens.charts.cd19Help")}
          data={cd19}
          series={[{ key: "cd19", name: "CD19+", unit: "/µL" }]}
          domain={domain}
          milestones={milestones}
        />
        {lupus && (
          <>
            <StudyDayChart
              title={t("patientScreens.charts.antiDsDna")}
              description={t("patientScreens.charts.antiDsDnaHelp")}
              data={dsDna}
              series={[{ key: "antiDsDna", name: "anti-dsDNA", unit: "IU/mL" }]}
              domain={domain}
              milestones={milestones}
            />
            <StudyDayChart
              title={t("patientScreens.charts.complement")}
              description={t("patientScreens.charts.complementHelp")}
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
          title={t("patientScreens.charts.counts")}
          description={t("patientScreens.charts.countsHelp")}
          data={counts}
          series={[
            { key: "wbc", name: "WBC", unit: "10³/µL" },
            { key: "neutrophils", name: "ANC", unit: "10³/µL" },
            { key: "lymphocytes", name: "ALC", unit: "10³/µL" },
            { key: "platelets", name: t("patientScreens.charts.platelets"), unit: "10³/µL", axis: "right" },
          ]}
          domain={domain}
          milestones={milestones}
        />
        <StudyDayChart
          title={t("patientScreens.charts.steroids")}
          description={t("patientScreens.charts.steroidsHelp")}
          data={steroids}
          series={[{ key: "mg", name: t("patientScreens.charts.steroidsSeries") }]}
          domain={domain}
          milestones={milestones}
          bars
        />
      </ChartGrid>
    </section>
  );
}
