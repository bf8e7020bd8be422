/**
 * Vein-to-vein metrics for the sites a user may read (issue 4, "Metrics"): the dated facts come
 * from the journey and product event logs, the arithmetic and its definitions from
 * src/domain/journey-metrics.ts. Dates are calendar days in each site's time zone. Grouped overall,
 * per CAR product (the product of the journey's manufacturing slot, else the study's only product)
 * and per treating site. Needs `enrolment:read` at the sites counted.
 */
import { z } from "zod";
import {
  type JourneyFacts,
  type LotFacts,
  lotOutcome,
  type Metrics,
  metricsBy,
  metricsOf,
} from "../domain/journey-metrics.ts";
import { Uuid } from "../domain/schemas/common.ts";
import { localDate } from "../domain/study-day.ts";
import {
  journeyEventsOfTypes,
  journeysWithStudy,
  liveBookingProducts,
  productEventsOfTypes,
  productUnitsAtSites,
} from "../store/journey-metrics.ts";
import { listSitesByIds } from "../store/sites.ts";
import { carProductsOfStudies } from "../store/studies.ts";
import { readableSites } from "./access.ts";
import type { ServiceContext } from "./context.ts";
import { HeldAnswers } from "./held-answers.ts";
import { parseInput } from "./validate.ts";

export const MetricsQuery = z.object({ siteId: Uuid.optional() });

const UNASSIGNED = "unassigned";

export interface MetricsReport {
  sites: string[];
  overall: Metrics;
  byProduct: ({ carProductId: string | null; name: string } & Metrics)[];
  bySite: ({ siteId: string; code: string; name: string } & Metrics)[];
  definitions: Record<string, string>;
}

export const METRIC_DEFINITIONS = {
  veinToVeinDays:
    "Site-local calendar days from the apheresis whose material was infused (the last before the infusion) to the infusion.",
  manufacturingTurnaroundDays:
    "Days from the start of manufacture of a collection to its first QC disposition (release or OOS declaration).",
  failureRate:
    "Failed lots / decided lots (released + out-of-specification + failed); pending lots excluded.",
  oosRate: "Out-of-specification lots / decided lots.",
} as const;

/**
 * Reports held per set of sites (decision 0050): a report reads every journey and bag of its
 * sites, so it is computed again only when the sites' metrics version (migration 0027) has moved.
 */
const heldReports = new HeldAnswers<MetricsReport>(16);

export async function veinToVeinMetrics(ctx: ServiceContext, raw: unknown): Promise<MetricsReport> {
  const q = parseInput(MetricsQuery, raw ?? {});
  const siteIds = readableSites(ctx.actor, "enrolment:read", q.siteId);
  return heldReports.atSites(
    ctx.db,
    { topic: "vein-to-vein-metrics", siteIds },
    async () => undefined,
    () => [...siteIds].sort().join(","),
    () => computedMetrics(ctx, siteIds),
  );
}

async function computedMetrics(ctx: ServiceContext, siteIds: string[]): Promise<MetricsReport> {
  const db = ctx.db;
  const sites = await listSitesByIds(db, siteIds);
  const tz = new Map(sites.map((s) => [s.id, s.time_zone]));
  const day = (siteId: string, at: Date) => localDate(at, tz.get(siteId)!);

  // Every read is by site (each table carries the site), never by a list of ids: the lists would
  // grow with the registry (and PGlite binds at most 32,767 parameters). Facts are grouped in maps
  // so the work is linear in the events (issue 15: a filter over all events per journey was
  // quadratic, 6.8 s at 10,000 patients).
  const journeys = await journeysWithStudy(db, siteIds);
  if (journeys.length === 0) return report(siteIds, sites, [], [], new Map());

  // The product each journey's material is made into.
  const bookings = await liveBookingProducts(db, siteIds);
  const studyIds = [...new Set(journeys.map((j) => j.study_id))];
  const products = await carProductsOfStudies(db, studyIds);
  const productsOfStudy = groupBy(products, (p) => p.study_id);
  const productOfJourney = new Map<string, string>();
  for (const j of journeys) {
    const ofStudy = productsOfStudy.get(j.study_id) ?? [];
    if (ofStudy.length === 1) productOfJourney.set(j.id, ofStudy[0]!.id);
  }
  for (const b of bookings) productOfJourney.set(b.journey_id, b.car_product_id);
  const productKey = (journeyId: string) => productOfJourney.get(journeyId) ?? UNASSIGNED;

  const jEvents = groupBy(
    await journeyEventsOfTypes(db, siteIds, ["record-apheresis", "infuse"]),
    (e) => e.journey_id,
  );
  const journeyFacts: JourneyFacts[] = journeys.map((j) => {
    const mine = jEvents.get(j.id) ?? [];
    const infusion = mine.find((e) => e.event_type === "infuse");
    return {
      siteId: j.site_id,
      productKey: productKey(j.id),
      apheresisDates: mine
        .filter((e) => e.event_type === "record-apheresis")
        .map((e) => day(j.site_id, e.at)),
      infusionDate: infusion ? day(j.site_id, infusion.at) : null,
    };
  });

  const units = await productUnitsAtSites(db, siteIds);
  const childrenOf = groupBy(
    units.filter((u) => u.parent_id !== null),
    (u) => u.parent_id!,
  );
  const pEvents = groupBy(
    await productEventsOfTypes(db, siteIds, [
      "start-manufacture",
      "release",
      "declare-oos",
      "declare-failed",
    ]),
    (e) => e.product_id,
  );
  const lots: LotFacts[] = [];
  for (const c of units) {
    if (c.kind !== "apheresis") continue;
    const own = pEvents.get(c.id) ?? [];
    const start = own.find((e) => e.event_type === "start-manufacture");
    if (!start) continue;
    const events = [c, ...(childrenOf.get(c.id) ?? [])]
      .flatMap((u) => pEvents.get(u.id) ?? [])
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const disposition = events.find((e) => e.event_type === "release" || e.event_type === "declare-oos");
    lots.push({
      siteId: c.site_id,
      productKey: productKey(c.journey_id),
      manufactureStartDate: day(c.site_id, start.at),
      outcome: lotOutcome(events.map((e) => ({ type: e.event_type }))),
      qcDispositionDate: disposition ? day(c.site_id, disposition.at) : null,
    });
  }
  const names = new Map(products.map((p) => [p.id, `${p.name} (${p.code})`]));
  return report(siteIds, sites, journeyFacts, lots, names);
}

function report(
  siteIds: string[],
  sites: { id: string; code: string; name: string }[],
  journeys: JourneyFacts[],
  lots: LotFacts[],
  productNames: Map<string, string>,
): MetricsReport {
  const byProduct = [...metricsBy(journeys, lots, (x) => x.productKey)].map(([k, m]) => ({
    carProductId: k === UNASSIGNED ? null : k,
    name: k === UNASSIGNED ? "no CAR product named" : (productNames.get(k) ?? k),
    ...m,
  }));
  const siteMetrics = metricsBy(journeys, lots, (x) => x.siteId);
  const bySite = sites
    .filter((s) => siteMetrics.has(s.id))
    .map((s) => ({ siteId: s.id, code: s.code, name: s.name, ...siteMetrics.get(s.id)! }));
  return {
    sites: siteIds,
    overall: metricsOf(journeys, lots),
    byProduct,
    bySite,
    definitions: METRIC_DEFINITIONS,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
