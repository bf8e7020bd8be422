import { Anchor, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import type { CohortOutcomes, ResponseRow, ToxicityRow } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { serverText } from "../../i18n/server-text.ts";
import { ColumnHeads } from "../../ui/ColumnHeads.tsx";
import { Panel } from "../../ui/Panel.tsx";
import { Status } from "../../ui/Status.tsx";
import { CohortFilters } from "./CohortFilters.tsx";
import { describeCohortQuery, groupLabel } from "./cohort-words.ts";
import { IncidencePlot } from "./IncidencePlot.tsx";
import { ProductOutcomes } from "./ProductOutcomes.tsx";
import { SavedCohorts } from "./SavedCohorts.tsx";
import { SurvivalPlot } from "./SurvivalPlot.tsx";
import { SwimmerPlot } from "./SwimmerPlot.tsx";
import { WaterfallPlot } from "./WaterfallPlot.tsx";

type Proportion = ResponseRow["overallResponse"];
const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(0)}%`);
/** "8/9 89% (52–100%)": the count, the rate and its exact 95% interval. */
const rate = (p: Proportion) =>
  p.total === 0 ? "–" : `${p.count}/${p.total} ${pct(p.estimate)} (${pct(p.lower)}–${pct(p.upper)})`;
/** "3 (1–9)": a median with its range. */
const medianAndRange = (m: ToxicityRow["onsetDay"]) =>
  m.median === null ? "–" : `${m.median} (${m.min}–${m.max})`;

function ResponseTable({ rows }: { rows: ResponseRow[] }) {
  const { t } = useTranslation();
  const c = (k: "group" | "orr" | "crRate") => t(`cohort.columns.${k}`);
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label={t("cohort.tables.response")}>
        <ColumnHeads names={[c("group"), "n", "CR", "PR", "SD", "PD", "NE", c("orr"), c("crRate")]} />
        <Table.Tbody>
          {rows
            .filter((r) => r.n > 0)
            .map((r) => (
              <Table.Tr key={r.key}>
                <Table.Th scope="row">{groupLabel(r)}</Table.Th>
                <Table.Td>{r.n}</Table.Td>
                <Table.Td>{r.counts.CR}</Table.Td>
                <Table.Td>{r.counts.PR}</Table.Td>
                <Table.Td>{r.counts.SD}</Table.Td>
                <Table.Td>{r.counts.PD}</Table.Td>
                <Table.Td>{r.counts.notEvaluable}</Table.Td>
                <Table.Td>{rate(r.overallResponse)}</Table.Td>
                <Table.Td>{rate(r.completeResponse)}</Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ToxicityTable({ name, rows }: { name: string; rows: ToxicityRow[] }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label={t("cohort.tables.byMaxGrade", { name })}>
        <ColumnHeads
          names={[
            t("cohort.columns.group"),
            t("cohort.columns.graded"),
            "G0",
            "G1",
            "G2",
            "G3",
            "G4",
            "G5",
            t("cohort.columns.anyGrade"),
            t("cohort.columns.gradeThreeOrMore"),
            t("cohort.columns.onsetDay"),
            t("cohort.columns.days"),
          ]}
        />
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key}>
              <Table.Th scope="row">{groupLabel(r)}</Table.Th>
              <Table.Td>
                {r.graded}
                {r.notGraded > 0 && (
                  <Text span size="xs" c="dimmed">
                    {" "}
                    {t("cohort.tables.notGraded", { count: r.notGraded })}
                  </Text>
                )}
              </Table.Td>
              {r.byMaxGrade.map((n, g) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the index is the grade
                <Table.Td key={g}>{n}</Table.Td>
              ))}
              <Table.Td>{rate(r.anyGrade)}</Table.Td>
              <Table.Td>{rate(r.gradeThreeOrMore)}</Table.Td>
              <Table.Td>{medianAndRange(r.onsetDay)}</Table.Td>
              <Table.Td>{medianAndRange(r.durationDays)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * The results of one cohort: survival curves, swimmer plot and the tables. The screen and the
 * printed report (screens/reports/CohortReport.tsx) both draw them with this component.
 */
export function CohortResults({
  outcomes: o,
  printable = false,
}: {
  outcomes: CohortOutcomes;
  printable?: boolean;
}) {
  const { t } = useTranslation();
  const s = o.summary;
  const followUp = s.followUp.estimate;
  const remission = s.remission.rows.filter((r) => r.n > 0);
  return (
    <>
      <Text mb="md" data-testid="cohort-heading">
        {t("cohort.infused", { count: s.n })} · {describeCohortQuery(o.description, o.query)} ·{" "}
        {t("cohort.dataCut", { date: o.dataCut })} ·{" "}
        {followUp === null
          ? t("cohort.medianFollowUpNotReached")
          : t("cohort.medianFollowUp", { months: followUp.toFixed(1) })}{" "}
        ·{" "}
        <Anchor component={Link} to={`/cohorts${o.query ? `?${o.query}` : ""}`}>
          {t("cohort.link")}
        </Anchor>
      </Text>
      <SimpleGrid cols={printable ? 1 : { base: 1, lg: 2 }} spacing="md">
        {s.survival
          .filter((a) => a.all.n > 0)
          .map((a) => (
            <Panel key={a.endpoint} title={serverText(a.title, t(`cohort.endpoints.${a.endpoint}`))}>
              <SurvivalPlot analysis={a} />
            </Panel>
          ))}
        {s.competingRisks.all.n > 0 && (
          <Panel title={serverText(s.competingRisks.title, t("cohort.endpoints.competingRisks"))}>
            <IncidencePlot risks={s.competingRisks} />
          </Panel>
        )}
      </SimpleGrid>
      <Stack mt="md" gap="md">
        {s.waterfall.bars.length > 0 && (
          <Panel title={t("cohort.panels.waterfall")}>
            <WaterfallPlot waterfall={s.waterfall} />
          </Panel>
        )}
        {s.tumourWaterfall.bars.length > 0 && (
          <Panel title={t("cohort.panels.tumourWaterfall")}>
            <WaterfallPlot waterfall={s.tumourWaterfall} />
          </Panel>
        )}
        <Panel title={t("cohort.panels.products")}>
          <ProductOutcomes patients={o.patients} correlations={s.productCorrelations} />
        </Panel>
        <Panel title={t("cohort.panels.swimmer")}>
          <SwimmerPlot lanes={s.swimmer} />
        </Panel>
        <Panel title={t("cohort.panels.response")}>
          <ResponseTable rows={s.response.rows} />
          <Text size="sm" c="dimmed">
            {s.response.denominator}
          </Text>
        </Panel>
        <Panel title={t("cohort.panels.crs")}>
          <ToxicityTable name="CRS" rows={s.crs.rows} />
          <Text size="sm" c="dimmed">
            {s.crs.denominator}
          </Text>
        </Panel>
        <Panel title={t("cohort.panels.icans")}>
          <ToxicityTable name="ICANS" rows={s.icans.rows} />
        </Panel>
        <Panel title={t("cohort.panels.haematotoxicity")}>
          <ToxicityTable name="ICAHT" rows={s.icaht.rows} />
          <ToxicityTable name="IEC-HS" rows={s.iecHs.rows} />
          <Text size="sm" c="dimmed">
            {s.icaht.denominator} {s.iecHs.denominator}
          </Text>
        </Panel>
        <Panel title={t("cohort.panels.infections")}>
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label={t("cohort.tables.infections")}>
              <ColumnHeads
                names={(
                  [
                    "group",
                    "window",
                    "followed",
                    "anyInfection",
                    "gradeThreeOrMore",
                    "episodes",
                    "bacterial",
                    "viral",
                    "fungal",
                    "otherPathogen",
                  ] as const
                ).map((k) => t(`cohort.columns.${k}`))}
              />
              <Table.Tbody>
                {s.infections.rows.map((r) => (
                  <Table.Tr key={`${r.key}-${r.window}`}>
                    <Table.Th scope="row">{groupLabel(r)}</Table.Th>
                    <Table.Td>{r.window}</Table.Td>
                    <Table.Td>{r.followed}</Table.Td>
                    <Table.Td>{rate(r.anyInfection)}</Table.Td>
                    <Table.Td>{rate(r.severeInfection)}</Table.Td>
                    <Table.Td>{r.episodes}</Table.Td>
                    <Table.Td>{r.episodesByPathogen.bacterial ?? 0}</Table.Td>
                    <Table.Td>{r.episodesByPathogen.viral ?? 0}</Table.Td>
                    <Table.Td>{r.episodesByPathogen.fungal ?? 0}</Table.Td>
                    <Table.Td>
                      {(r.episodesByPathogen.parasitic ?? 0) + (r.episodesByPathogen.unidentified ?? 0)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="sm" c="dimmed">
            {s.infections.denominator}
          </Text>
        </Panel>
        {remission.length > 0 && (
          <Panel title={t("cohort.panels.remission")}>
            <Table.ScrollContainer minWidth={480}>
              <Table aria-label={t("cohort.tables.remission")}>
                <ColumnHeads
                  names={[
                    t("cohort.columns.group"),
                    t("cohort.columns.month"),
                    t("cohort.columns.followed"),
                    "DORIS",
                    "LLDAS",
                    t("cohort.columns.drugFree"),
                    "SRI-4",
                  ]}
                />
                <Table.Tbody>
                  {remission.map((r) => (
                    <Table.Tr key={`${r.key}-${r.months}`}>
                      <Table.Th scope="row">{groupLabel(r)}</Table.Th>
                      <Table.Td>{r.months}</Table.Td>
                      <Table.Td>{r.followed}</Table.Td>
                      <Table.Td>{rate(r.doris)}</Table.Td>
                      <Table.Td>{rate(r.lldas)}</Table.Td>
                      <Table.Td>{rate(r.drugFree)}</Table.Td>
                      <Table.Td>{rate(r.sri4)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text size="sm" c="dimmed">
              {s.remission.denominator}
            </Text>
          </Panel>
        )}
      </Stack>
      <Group mt="md">
        <Text size="sm" c="dimmed">
          {t("cohort.generated", { at: o.generatedAt })}
        </Text>
      </Group>
    </>
  );
}

export function CohortPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const query = params.toString();
  const outcomes = useApi(
    () => api.get<CohortOutcomes>(`/api/v1/cohorts/outcomes${query ? `?${query}` : ""}`),
    [query],
  );
  return (
    <>
      <Title order={1} mb="md">
        {t("cohort.title")}
      </Title>
      <SavedCohorts />
      <CohortFilters />
      <Status loaded={outcomes}>{(o) => <CohortResults outcomes={o} />}</Status>
    </>
  );
}
