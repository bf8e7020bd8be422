/**
 * One product unit: its identifiers and state, the other units on its chain of identity, its next
 * steps for the role that does each (ProductSteps.tsx: shipping, receipt, manufacture, the final
 * bag made from a collection), its thaw on the ward (ThawForm.tsx, for the clinical roles) with
 * the post-thaw expiry, its printed labels, the bedside check (for a thawed bag), the custody log
 * (hand-offs and temperature-logger uploads with their excursions, each recordable here by the
 * roles that move products), the release results (QC results entered here by quality, the
 * evaluation against the specification and the signed decisions) and its history.
 */
import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { ApiError, api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { reasonText } from "../../i18n/reasons.ts";
import { Status } from "../../ui/Status.tsx";
import { siteTime } from "../../ui/site-time.ts";
import { type ChainUnit, ChainUnits } from "./ChainUnits.tsx";
import { HandOffForm, LabelLinks, LoggerUploadForm, QcResultsForm } from "./ProductRecordForms.tsx";
import { ProductStateBadge } from "./ProductState.tsx";
import { ProductSteps } from "./ProductSteps.tsx";
import {
  OosExceptionForm,
  QaReleaseForm,
  QuarantineDecisionForm,
  SignatureTable,
} from "./SignedDecisions.tsx";
import { ThawSection } from "./ThawForm.tsx";
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
  const { site, sites, hasRole, rolesAt } = useSession();
  const { t } = useTranslation();
  const loaded = useApi(async () => {
    const [unit, custody, history, release, signatures] = await Promise.all([
      api.get<ProductUnit>(`/api/v1/product-units/${productId}`),
      api.get<Custody>(`/api/v1/product-units/${productId}/custody`),
      api.get<{ items: ProductEvent[] }>(`/api/v1/product-units/${productId}/events`),
      releaseOf(productId),
      api.get<{ items: ProductSignature[] }>(`/api/v1/product-units/${productId}/signatures`),
    ]);
    const chain = await api.get<{ items: ChainUnit[] }>(`/api/v1/journeys/${unit.journeyId}/product-units`);
    return {
      unit,
      custody,
      history: history.items,
      release,
      signatures: signatures.items,
      chain: chain.items,
    };
  }, [productId]);
  const mayVerify = site ? hasRole(site.id, "investigator", "coordinator") : false;
  const isQuality = site ? hasRole(site.id, "quality") : false;
  const isInvestigator = site ? hasRole(site.id, "investigator") : false;
  // The roles granted product:write (src/domain/roles.ts); the server checks again.
  const movesProducts = site ? hasRole(site.id, "investigator", "coordinator", "manufacturing") : false;
  const zoneOf = (siteId: string) => sites.find((x) => x.id === siteId)?.timeZone ?? "UTC";

  return (
    <Status loaded={loaded}>
      {({ unit, custody, history, release, signatures, chain }) => {
        // Every time on the site's clock with the zone named; the thaw to the second, as the bedside compares it.
        const zone = zoneOf(unit.siteId);
        const when = (iso: string) => siteTime(iso, zone);
        const stateWord = (s: string) => lookup(`productState.${s}`) ?? s;
        return (
          <Stack>
            <Text size="sm">
              <Anchor component={Link} to="/board">
                {t("product.backToBoard")}
              </Anchor>
            </Text>
            <Group justify="space-between" align="start">
              <div>
                <Title order={1}>
                  {t(unit.kind === "apheresis" ? "board.apheresis" : "board.finalProduct", {
                    code: unit.productCode,
                  })}
                </Title>
                <Group gap="xs" mt={4}>
                  <ProductStateBadge state={unit.state} testId="product-state" />
                  {unit.quarantinedFrom && (
                    <Text size="sm">
                      {t("product.quarantinedFrom", { state: stateWord(unit.quarantinedFrom) })}
                    </Text>
                  )}
                </Group>
              </div>
              {unit.state === "thawed" && mayVerify && (
                <Button component={Link} to={`/board/${unit.id}/bedside`} size="lg" color="grape.9">
                  {t("product.bedside")}
                </Button>
              )}
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
              <Fact label={t("product.din")} value={`${unit.din} [${unit.dinCheckCharacter}]`} mono />
              <Fact label={t("product.coi")} value={`${unit.coiId} [${unit.coiCheckCharacter}]`} mono />
              <Fact label={t("product.patient")} value={unit.subjectCode} />
              <Fact
                label={t("product.thawedAt")}
                value={unit.thawedAt ? siteTime(unit.thawedAt, zoneOf(unit.siteId), "second") : "—"}
              />
              <Fact
                label={t("product.stability")}
                value={
                  unit.thawStabilityMinutes !== null
                    ? t("product.minutes", { count: unit.thawStabilityMinutes })
                    : "—"
                }
              />
            </SimpleGrid>

            {chain.length > 1 && <ChainUnits items={chain} currentId={unit.id} />}

            <ProductSteps unit={unit} timeZone={zone} roles={rolesAt(unit.siteId)} onDone={loaded.reload} />

            {mayVerify && unit.kind === "final-product" && (
              <section aria-labelledby="thaw-title">
                <Title order={2} size="h3" id="thaw-title">
                  {t("product.thaw.section")}
                </Title>
                <ThawSection unit={unit} timeZone={zone} onDone={loaded.reload} />
              </section>
            )}

            <section aria-labelledby="labels-title">
              <Title order={2} size="h3" id="labels-title">
                {t("product.labelsTitle")}
              </Title>
              <LabelLinks productId={unit.id} />
            </section>

            <section aria-labelledby="custody-title">
              <Title order={2} size="h3" id="custody-title">
                {t("product.custodyTitle")}
              </Title>
              <Table striped captionSide="top">
                <Table.Caption>{t("product.handOffs", { count: custody.handOffs.length })}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("product.at")}</Table.Th>
                    <Table.Th scope="col">{t("product.from")}</Table.Th>
                    <Table.Th scope="col">{t("product.to")}</Table.Th>
                    <Table.Th scope="col">{t("product.place")}</Table.Th>
                    <Table.Th scope="col">{t("product.shipperLogger")}</Table.Th>
                    <Table.Th scope="col">{t("product.condition")}</Table.Th>
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
                <Table.Caption>{t("product.loggers", { count: custody.loggerUploads.length })}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("product.logger")}</Table.Th>
                    <Table.Th scope="col">{t("product.period")}</Table.Th>
                    <Table.Th scope="col">{t("product.range")}</Table.Th>
                    <Table.Th scope="col">{t("product.readings")}</Table.Th>
                    <Table.Th scope="col">{t("product.verdict")}</Table.Th>
                    <Table.Th scope="col">{t("product.excursions")}</Table.Th>
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
                      <Table.Td>{t("product.rangeValue", { min: u.range.minC, max: u.range.maxC })}</Table.Td>
                      <Table.Td>{u.readingCount}</Table.Td>
                      <Table.Td fw={u.verdict === "within-range" ? undefined : 700}>
                        {lookup(`product.loggerVerdict.${u.verdict}`) ?? u.verdict}
                        {u.quarantined ? ` · ${t("product.quarantinedMark")}` : ""}
                      </Table.Td>
                      <Table.Td>
                        {(u.excursions ?? []).length === 0
                          ? t("product.noExcursion")
                          : (u.excursions ?? []).map((x) => (
                              <div key={x.startedAt}>
                                {t("product.excursion", {
                                  direction: t(`product.direction.${x.direction}`),
                                  minutes: x.durationMinutes,
                                  from: when(x.startedAt),
                                  extreme: x.extremeC,
                                })}
                                {x.tolerated ? ` ${t("product.tolerated")}` : ""}
                                {x.ongoing ? ` ${t("product.ongoing")}` : ""}
                              </div>
                            ))}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {/* A closed product (administered, discarded…) has no next step, so nothing more is handed on. */}
              {movesProducts && unit.allowedEvents.length > 0 && (
                <Stack mt="md" gap="lg">
                  <HandOffForm productId={unit.id} timeZone={zone} onDone={loaded.reload} />
                  <LoggerUploadForm productId={unit.id} timeZone={zone} onDone={loaded.reload} />
                </Stack>
              )}
            </section>

            <section aria-labelledby="release-title">
              <Title order={2} size="h3" id="release-title">
                {t("product.releaseTitle")}
              </Title>
              {!release ? (
                <Text c="dimmed">{t("product.releaseOnlyBags")}</Text>
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
                    title={
                      lookup(`product.releaseState.${release.releaseState}`) ?? release.releaseStateLabel
                    }
                  >
                    {release.releaseState === "awaiting-qa-release" && t("product.awaitingQaText")}
                    {release.releaseState === "released" && t("product.releasedText")}
                  </Alert>
                  {(release.releaseState === "in-manufacture" ||
                    release.releaseState === "awaiting-qc-results") &&
                    isQuality && <QcResultsForm productId={unit.id} timeZone={zone} onDone={loaded.reload} />}
                  {release.releaseState === "awaiting-qa-release" && isQuality && (
                    <QaReleaseForm productId={unit.id} onDone={loaded.reload} />
                  )}
                  {release.releaseState === "out-of-specification" && exceptionSigners(signatures) >= 2 && (
                    <Alert role="status" color="orange" title={t("product.exceptionApproved")}>
                      {t("product.exceptionApprovedText")}
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
                      title={t("product.evaluation", {
                        revision: release.current.specRevision,
                        outcome:
                          lookup(`product.outcome.${release.current.evaluation.outcome}`) ??
                          release.current.evaluation.outcome,
                      })}
                    >
                      <ul>
                        {release.current.evaluation.attributes.map((a) => (
                          <li key={a.attribute}>
                            <strong>
                              {lookup(`product.qcAttribute.${a.attribute}`) ?? a.attribute}:{" "}
                              {t(`product.status.${a.status}`)}
                            </strong>{" "}
                            — {reasonText(a.reason, a.reasonCode)}
                          </li>
                        ))}
                      </ul>
                    </Alert>
                  )}
                  <Table striped captionSide="top">
                    <Table.Caption>{t("product.qcResults", { count: release.results.length })}</Table.Caption>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t("product.attribute")}</Table.Th>
                        <Table.Th scope="col">{t("product.result")}</Table.Th>
                        <Table.Th scope="col">{t("product.method")}</Table.Th>
                        <Table.Th scope="col">{t("product.testedAt")}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {release.results.length === 0 && <NoneRow cols={4} />}
                      {release.results.map((r) => (
                        <Table.Tr key={r.id}>
                          <Table.Td>{lookup(`product.qcAttribute.${r.attribute}`) ?? r.attribute}</Table.Td>
                          <Table.Td>
                            {r.valueNumber !== null
                              ? `${r.valueNumber} ${r.unit ?? ""}`
                              : r.valueCode
                                ? (lookup(`product.qualitative.${r.valueCode}`) ?? r.valueCode)
                                : "—"}
                          </Table.Td>
                          <Table.Td>{r.method ?? "—"}</Table.Td>
                          <Table.Td>{when(r.testedAt)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                  <Text size="sm">
                    {t("product.decisions", {
                      list:
                        release.decisions.length === 0
                          ? t("product.noDecisions")
                          : release.decisions
                              .map(
                                (d) =>
                                  `${lookup(`product.outcome.${d.outcome}`) ?? d.outcome} (${when(d.decidedAt)})`,
                              )
                              .join(", "),
                    })}
                  </Text>
                </Stack>
              )}
            </section>

            {unit.state === "quarantined" && isQuality && (
              <QuarantineDecisionForm productId={unit.id} onDone={loaded.reload} />
            )}

            <section aria-labelledby="signatures-title">
              <Title order={2} size="h3" id="signatures-title">
                {t("product.signaturesTitle")}
              </Title>
              <SignatureTable items={signatures} timeZone={zoneOf(unit.siteId)} />
            </section>

            <section aria-labelledby="history-title">
              <Title order={2} size="h3" id="history-title">
                {t("product.historyTitle")}
              </Title>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("product.at")}</Table.Th>
                    <Table.Th scope="col">{t("product.event")}</Table.Th>
                    <Table.Th scope="col">{t("product.fromTo")}</Table.Th>
                    <Table.Th scope="col">{t("product.by")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {history.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{when(e.at)}</Table.Td>
                      <Table.Td>{lookup(`product.eventType.${e.type}`) ?? e.type}</Table.Td>
                      <Table.Td>
                        {stateWord(e.fromState)} → {stateWord(e.toState)}
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
  const { t } = useTranslation();
  return (
    <Table.Tr>
      <Table.Td colSpan={cols}>
        <Text c="dimmed" size="sm">
          {t("product.noneRecorded")}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}
