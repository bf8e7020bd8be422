import { Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import type { CohortOutcomes } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { Status } from "../../ui/Status.tsx";
import { CohortResults } from "../cohorts/CohortPage.tsx";
import { ReportPage, ReportTitle } from "./ReportPage.tsx";

/**
 * The cohort report as `v2v report cohort` prints it: the same results as the screen, on A4,
 * headed by what a reader needs to trust them — the cohort definition, the data cut, when and by
 * which software version it was made, and the statistical methods.
 */
export function CohortReport() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const query = params.toString();
  const loaded = useApi(async () => {
    const [outcomes, health] = await Promise.all([
      api.get<CohortOutcomes>(`/api/v1/cohorts/outcomes${query ? `?${query}` : ""}`),
      api.get<{ version: string }>("/api/health"),
    ]);
    return { outcomes, version: health.version };
  }, [query]);
  return (
    <ReportPage>
      <Status loaded={loaded}>
        {({ outcomes: o, version }) => (
          <div data-report-ready="true">
            <ReportTitle titleKey="cohort.report.cohortTitle" />
            <Table withTableBorder mb="md" aria-label={t("cohort.report.details")}>
              <Table.Tbody>
                {[
                  [t("cohort.report.cohort"), o.description],
                  [t("cohort.report.link"), `/cohorts${o.query ? `?${o.query}` : ""}`],
                  [t("cohort.report.splitBy"), o.grouping],
                  [t("cohort.report.dataCut"), o.dataCut],
                  [t("cohort.report.infused"), String(o.summary.n)],
                  [
                    t("cohort.report.generated"),
                    t("cohort.report.generatedBy", { at: o.generatedAt, version }),
                  ],
                ].map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Th scope="row" w={180}>
                      {k}
                    </Table.Th>
                    <Table.Td>{v}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <CohortResults outcomes={o} printable />
            <Text size="xs" c="dimmed" mt="md">
              {t("cohort.report.methods")}
            </Text>
          </div>
        )}
      </Status>
    </ReportPage>
  );
}
