import { Table, Text, Title } from "@mantine/core";
import { useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import type { CohortOutcomes } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { Status } from "../../ui/Status.tsx";
import { CohortResults } from "../cohorts/CohortPage.tsx";
import { ReportPage } from "./ReportPage.tsx";

/**
 * The cohort report as `v2v report cohort` prints it: the same results as the screen, on A4,
 * headed by what a reader needs to trust them — the cohort definition, the data cut, when and by
 * which software version it was made, and the statistical methods.
 */
export function CohortReport() {
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
            <Title order={1}>Cohort outcomes report</Title>
            <Text size="lg" lang="zh-CN" mb="sm">
              队列疗效报告
            </Text>
            <Table withTableBorder mb="md" aria-label="Report details">
              <Table.Tbody>
                {[
                  ["Cohort", o.description],
                  ["Link", `/cohorts${o.query ? `?${o.query}` : ""}`],
                  ["Split by", o.grouping],
                  ["Data cut", o.dataCut],
                  ["Infused patients", String(o.summary.n)],
                  ["Generated", `${o.generatedAt} by vein2vein ${version}`],
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
              Methods: Kaplan–Meier estimates with Greenwood variance and log–log 95% intervals, medians by
              Brookmeyer–Crowley, log-rank tests (survival 3.x conventions, checked against R); exact
              Clopper–Pearson intervals for rates; median follow-up by reverse Kaplan–Meier. Response by
              Lugano 2014, CRS and ICANS by ASTCT 2019, lupus remission by DORIS 2021 and LLDAS. Synthetic
              demo data is labelled as such in the program.
            </Text>
          </div>
        )}
      </Status>
    </ReportPage>
  );
}
