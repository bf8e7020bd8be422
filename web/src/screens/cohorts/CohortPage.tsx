import { Anchor, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import type { CohortOutcomes, ResponseRow, ToxicityRow } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { ColumnHeads } from "../../ui/ColumnHeads.tsx";
import { Panel } from "../../ui/Panel.tsx";
import { Status } from "../../ui/Status.tsx";
import { CohortFilters } from "./CohortFilters.tsx";
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
const months = (x: number | null) => (x === null ? "not reached" : x.toFixed(1));

function ResponseTable({ rows }: { rows: ResponseRow[] }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label="Best overall response">
        <ColumnHeads
          names={["Group", "n", "CR", "PR", "SD", "PD", "NE", "ORR (95% CI)", "CR rate (95% CI)"]}
        />
        <Table.Tbody>
          {rows
            .filter((r) => r.n > 0)
            .map((r) => (
              <Table.Tr key={r.key}>
                <Table.Th scope="row">{r.label}</Table.Th>
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
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label={`${name} by maximum grade`}>
        <ColumnHeads
          names={[
            "Group",
            "Graded",
            "G0",
            "G1",
            "G2",
            "G3",
            "G4",
            "G5",
            "Any grade",
            "Grade ≥ 3",
            "Onset day",
            "Days",
          ]}
        />
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key}>
              <Table.Th scope="row">{r.label}</Table.Th>
              <Table.Td>
                {r.graded}
                {r.notGraded > 0 && (
                  <Text span size="xs" c="dimmed">
                    {" "}
                    (+{r.notGraded} not graded)
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
  const s = o.summary;
  const remission = s.remission.rows.filter((r) => r.n > 0);
  return (
    <>
      <Text mb="md" data-testid="cohort-heading">
        <b>{s.n}</b> infused patient{s.n === 1 ? "" : "s"} · {o.description} · data cut {o.dataCut} · median
        follow-up {months(s.followUp.estimate)} months ·{" "}
        <Anchor component={Link} to={`/cohorts${o.query ? `?${o.query}` : ""}`}>
          link to this cohort
        </Anchor>
      </Text>
      <SimpleGrid cols={printable ? 1 : { base: 1, lg: 2 }} spacing="md">
        {s.survival
          .filter((a) => a.all.n > 0)
          .map((a) => (
            <Panel key={a.endpoint} title={a.title}>
              <SurvivalPlot analysis={a} />
            </Panel>
          ))}
        {s.competingRisks.all.n > 0 && (
          <Panel title={s.competingRisks.title}>
            <IncidencePlot risks={s.competingRisks} />
          </Panel>
        )}
      </SimpleGrid>
      <Stack mt="md" gap="md">
        {s.waterfall.bars.length > 0 && (
          <Panel title="Waterfall: best SLEDAI-2K change">
            <WaterfallPlot waterfall={s.waterfall} />
          </Panel>
        )}
        <Panel title="Product against outcome">
          <ProductOutcomes patients={o.patients} />
        </Panel>
        <Panel title="Swimmer plot">
          <SwimmerPlot lanes={s.swimmer} />
        </Panel>
        <Panel title="Best overall response (lymphoma, Lugano 2014)">
          <ResponseTable rows={s.response.rows} />
          <Text size="sm" c="dimmed">
            {s.response.denominator}
          </Text>
        </Panel>
        <Panel title="Cytokine release syndrome (ASTCT 2019)">
          <ToxicityTable name="CRS" rows={s.crs.rows} />
          <Text size="sm" c="dimmed">
            {s.crs.denominator}
          </Text>
        </Panel>
        <Panel title="ICANS (ASTCT 2019)">
          <ToxicityTable name="ICANS" rows={s.icans.rows} />
        </Panel>
        <Panel title="Haematotoxicity (ICAHT, early) and IEC-HS">
          <ToxicityTable name="ICAHT" rows={s.icaht.rows} />
          <ToxicityTable name="IEC-HS" rows={s.iecHs.rows} />
          <Text size="sm" c="dimmed">
            {s.icaht.denominator} {s.iecHs.denominator}
          </Text>
        </Panel>
        <Panel title="Infections after infusion">
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Infections by window after infusion">
              <ColumnHeads
                names={[
                  "Group",
                  "Window",
                  "Followed",
                  "Any infection",
                  "Grade ≥ 3",
                  "Episodes",
                  "Bacterial",
                  "Viral",
                  "Fungal",
                  "Other or unidentified",
                ]}
              />
              <Table.Tbody>
                {s.infections.rows.map((r) => (
                  <Table.Tr key={`${r.key}-${r.window}`}>
                    <Table.Th scope="row">{r.label}</Table.Th>
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
          <Panel title="Lupus remission reached by month">
            <Table.ScrollContainer minWidth={480}>
              <Table aria-label="Lupus remission by month">
                <ColumnHeads names={["Group", "Month", "Followed", "DORIS", "LLDAS", "Drug-free"]} />
                <Table.Tbody>
                  {remission.map((r) => (
                    <Table.Tr key={`${r.key}-${r.months}`}>
                      <Table.Th scope="row">{r.label}</Table.Th>
                      <Table.Td>{r.months}</Table.Td>
                      <Table.Td>{r.followed}</Table.Td>
                      <Table.Td>{rate(r.doris)}</Table.Td>
                      <Table.Td>{rate(r.lldas)}</Table.Td>
                      <Table.Td>{rate(r.drugFree)}</Table.Td>
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
          Generated {o.generatedAt}. Statistics: Kaplan–Meier with Greenwood variance and log–log intervals,
          log-rank, Clopper–Pearson — checked against R's survival package.
        </Text>
      </Group>
    </>
  );
}

export function CohortPage() {
  const [params] = useSearchParams();
  const query = params.toString();
  const outcomes = useApi(
    () => api.get<CohortOutcomes>(`/api/v1/cohorts/outcomes${query ? `?${query}` : ""}`),
    [query],
  );
  return (
    <>
      <Title order={1} mb="md">
        Cohort outcomes
      </Title>
      <SavedCohorts />
      <CohortFilters />
      <Status loaded={outcomes}>{(o) => <CohortResults outcomes={o} />}</Status>
    </>
  );
}
