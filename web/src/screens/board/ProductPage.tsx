/**
 * One product unit: its identifiers and state, the bedside check (for a thawed bag), the custody
 * log (hand-offs and temperature-logger uploads with their excursions), the release results (QC
 * results and the evaluation against the specification) and its history.
 */
import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";
import { ApiError, api } from "../../api/client.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { siteTime } from "../../ui/site-time.ts";
import { ProductStateBadge } from "./ProductState.tsx";
import {
  OosExceptionForm,
  QaReleaseForm,
  QuarantineDecisionForm,
  SignatureTable,
} from "./SignedDecisions.tsx";
import type { Custody, ProductEvent, ProductSignature, ProductUnit, ReleaseStatus } from "./types.ts";

/** Release results exist for bags only; a collection answers 4xx, which is not an error here. */
async function releaseOf(id: string): Promise<ReleaseStatus | null> {
  try {
    return await api.get<ReleaseStatus>(`/api/v1/product-units/${id}/release`);
  } catch (e) {
    if (e instanceof ApiError && e.status < 500) return null;
    throw e;
  }
}

export function ProductPage() {
  const { productId = "" } = useParams();
  const { site, sites, hasRole } = useSession();
  const loaded = useApi(async () => {
    const [unit, custody, history, release, signatures] = await Promise.all([
      api.get<ProductUnit>(`/api/v1/product-units/${productId}`),
      api.get<Custody>(`/api/v1/product-units/${productId}/custody`),
      api.get<{ items: ProductEvent[] }>(`/api/v1/product-units/${productId}/events`),
      releaseOf(productId),
      api.get<{ items: ProductSignature[] }>(`/api/v1/product-units/${productId}/signatures`),
    ]);
    return { unit, custody, history: history.items, release, signatures: signatures.items };
  }, [productId]);
  const mayVerify = site ? hasRole(site.id, "investigator", "coordinator") : false;
  const isQuality = site ? hasRole(site.id, "quality") : false;
  const isInvestigator = site ? hasRole(site.id, "investigator") : false;
  const zoneOf = (siteId: string) => sites.find((x) => x.id === siteId)?.timeZone ?? "UTC";

  return (
    <Status loaded={loaded}>
      {({ unit, custody, history, release, signatures }) => {
        // Every time on the site's clock with the zone named; the thaw to the second, as the bedside compares it.
        const when = (iso: string) => siteTime(iso, zoneOf(unit.siteId));
        return (
          <Stack>
            <Text size="sm">
              <Anchor component={Link} to="/board">
                Vein-to-vein board
              </Anchor>
            </Text>
            <Group justify="space-between" align="start">
              <div>
                <Title order={1}>
                  {unit.kind === "apheresis" ? "Apheresis collection" : "Final product"} {unit.productCode}
                </Title>
                <Group gap="xs" mt={4}>
                  <ProductStateBadge state={unit.state} />
                  {unit.quarantinedFrom && <Text size="sm">quarantined from {unit.quarantinedFrom}</Text>}
                </Group>
              </div>
              {unit.state === "thawed" && mayVerify && (
                <Button component={Link} to={`/board/${unit.id}/bedside`} size="lg" color="grape.9">
                  Bedside verification
                </Button>
              )}
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
              <Fact label="DIN" value={`${unit.din} [${unit.dinCheckCharacter}]`} mono />
              <Fact label="Chain of identity" value={`${unit.coiId} [${unit.coiCheckCharacter}]`} mono />
              <Fact label="Patient" value={unit.subjectCode} />
              <Fact
                label="Thawed at"
                value={unit.thawedAt ? siteTime(unit.thawedAt, zoneOf(unit.siteId), "second") : "—"}
              />
              <Fact
                label="Post-thaw stability"
                value={unit.thawStabilityMinutes !== null ? `${unit.thawStabilityMinutes} min` : "—"}
              />
            </SimpleGrid>

            <section aria-labelledby="custody-title">
              <Title order={2} size="h3" id="custody-title">
                Custody log
              </Title>
              <Table striped captionSide="top">
                <Table.Caption>Hand-offs ({custody.handOffs.length})</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">At</Table.Th>
                    <Table.Th scope="col">From</Table.Th>
                    <Table.Th scope="col">To</Table.Th>
                    <Table.Th scope="col">Place</Table.Th>
                    <Table.Th scope="col">Shipper / logger</Table.Th>
                    <Table.Th scope="col">Condition</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {custody.handOffs.length === 0 && <NoneRow cols={6} />}
                  {custody.handOffs.map((h) => (
                    <Table.Tr key={h.id}>
                      <Table.Td>{when(h.at)}</Table.Td>
                      <Table.Td>{h.fromParty}</Table.Td>
                      <Table.Td>{h.toParty}</Table.Td>
                      <Table.Td>{h.place}</Table.Td>
                      <Table.Td>{[h.shipperId, h.loggerId].filter(Boolean).join(" / ") || "—"}</Table.Td>
                      <Table.Td>{h.conditionNote ?? "—"}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Table striped captionSide="top" mt="md">
                <Table.Caption>Temperature loggers ({custody.loggerUploads.length})</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Logger</Table.Th>
                    <Table.Th scope="col">Period</Table.Th>
                    <Table.Th scope="col">Range</Table.Th>
                    <Table.Th scope="col">Readings</Table.Th>
                    <Table.Th scope="col">Verdict</Table.Th>
                    <Table.Th scope="col">Excursions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {custody.loggerUploads.length === 0 && <NoneRow cols={6} />}
                  {custody.loggerUploads.map((u) => (
                    <Table.Tr key={u.id}>
                      <Table.Td>{u.loggerId}</Table.Td>
                      <Table.Td>
                        {when(u.firstAt)} – {when(u.lastAt)}
                      </Table.Td>
                      <Table.Td>
                        {u.range.minC} to {u.range.maxC} °C
                      </Table.Td>
                      <Table.Td>{u.readingCount}</Table.Td>
                      <Table.Td fw={u.verdict === "in-range" ? undefined : 700}>
                        {u.verdict}
                        {u.quarantined ? " · quarantined" : ""}
                      </Table.Td>
                      <Table.Td>
                        {(u.excursions ?? []).length === 0
                          ? "none"
                          : (u.excursions ?? []).map((x) => (
                              <div key={x.startedAt}>
                                {x.direction} range, {x.durationMinutes} min from {when(x.startedAt)}, extreme{" "}
                                {x.extremeC} °C{x.tolerated ? " (tolerated)" : ""}
                                {x.ongoing ? " (ongoing)" : ""}
                              </div>
                            ))}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </section>

            <section aria-labelledby="release-title">
              <Title order={2} size="h3" id="release-title">
                Release results
              </Title>
              {!release ? (
                <Text c="dimmed">Release applies to final-product bags.</Text>
              ) : (
                <Stack>
                  <Alert
                    role="status"
                    color={
                      release.releaseState === "released"
                        ? "green"
                        : release.releaseState === "awaiting-qa-release"
                          ? "blue"
                          : "gray"
                    }
                    title={release.releaseStateLabel}
                  >
                    {release.releaseState === "awaiting-qa-release" &&
                      "Every QC result meets the specification. Release is quality's signed decision."}
                    {release.releaseState === "released" &&
                      "Released by quality with an electronic signature (below)."}
                  </Alert>
                  {release.releaseState === "awaiting-qa-release" && isQuality && (
                    <QaReleaseForm productId={unit.id} onDone={loaded.reload} />
                  )}
                  {release.releaseState === "out-of-specification" && exceptionSigners(signatures) >= 2 && (
                    <Alert role="status" color="orange" title="Exception approved with two signatures">
                      An investigator and quality signed the decision to use this bag despite its
                      out-of-specification result (below); it may be shipped to the site.
                    </Alert>
                  )}
                  {release.releaseState === "out-of-specification" &&
                    exceptionSigners(signatures) < 2 &&
                    (isQuality || isInvestigator) && (
                      <OosExceptionForm
                        productId={unit.id}
                        myCapacity={isInvestigator ? "investigator" : "qa"}
                        onDone={loaded.reload}
                      />
                    )}
                  {release.current && (
                    <Alert
                      color={
                        release.current.evaluation.outcome === "out-of-specification" ? "orange" : "green"
                      }
                      title={`Evaluation against specification revision ${release.current.specRevision}: ${release.current.evaluation.outcome}`}
                    >
                      <ul>
                        {release.current.evaluation.attributes.map((a) => (
                          <li key={a.attribute}>
                            <strong>
                              {a.attribute}: {a.status}
                            </strong>{" "}
                            — {a.reason}
                          </li>
                        ))}
                      </ul>
                    </Alert>
                  )}
                  <Table striped captionSide="top">
                    <Table.Caption>QC results ({release.results.length})</Table.Caption>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Attribute</Table.Th>
                        <Table.Th scope="col">Result</Table.Th>
                        <Table.Th scope="col">Method</Table.Th>
                        <Table.Th scope="col">Tested at</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {release.results.length === 0 && <NoneRow cols={4} />}
                      {release.results.map((r) => (
                        <Table.Tr key={r.id}>
                          <Table.Td>{r.attribute}</Table.Td>
                          <Table.Td>
                            {r.valueNumber !== null
                              ? `${r.valueNumber} ${r.unit ?? ""}`
                              : (r.valueCode ?? "—")}
                          </Table.Td>
                          <Table.Td>{r.method ?? "—"}</Table.Td>
                          <Table.Td>{when(r.testedAt)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                  <Text size="sm">
                    Decisions:{" "}
                    {release.decisions.length === 0
                      ? "none yet"
                      : release.decisions.map((d) => `${d.outcome} (${when(d.decidedAt)})`).join(", ")}
                  </Text>
                </Stack>
              )}
            </section>

            {unit.state === "quarantined" && isQuality && (
              <QuarantineDecisionForm productId={unit.id} onDone={loaded.reload} />
            )}

            <section aria-labelledby="signatures-title">
              <Title order={2} size="h3" id="signatures-title">
                Signatures
              </Title>
              <SignatureTable items={signatures} timeZone={zoneOf(unit.siteId)} />
            </section>

            <section aria-labelledby="history-title">
              <Title order={2} size="h3" id="history-title">
                History
              </Title>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">At</Table.Th>
                    <Table.Th scope="col">Event</Table.Th>
                    <Table.Th scope="col">From → to</Table.Th>
                    <Table.Th scope="col">By</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {history.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{when(e.at)}</Table.Td>
                      <Table.Td>{e.type}</Table.Td>
                      <Table.Td>
                        {e.fromState} → {e.toState}
                      </Table.Td>
                      <Table.Td>{e.actorName ?? "—"}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </section>
          </Stack>
        );
      }}
    </Status>
  );
}

/** How many people have signed the bag's OOS exception (it needs an investigator and QA). */
const exceptionSigners = (items: ProductSignature[]) =>
  new Set(items.filter((x) => x.recordKind === "oos-exception").map((x) => x.signerUsername)).size;

function Fact({ label, value, mono }: { label: string; value: string; mono?: boolean }) {
  return (
    <Card withBorder padding="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={600} ff={mono ? "monospace" : undefined}>
        {value}
      </Text>
    </Card>
  );
}

function NoneRow({ cols }: { cols: number }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={cols}>
        <Text c="dimmed" size="sm">
          None recorded.
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
