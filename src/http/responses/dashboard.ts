/**
 * Response schemas of the program dashboard and the derived endpoints (routes/dashboard.ts,
 * routes/derived-endpoints.ts), checked against the services' types in
 * test/unit/http-contract.test.ts.
 */
import { z } from "zod";

const str = z.string();
const maybeStr = str.nullable();
const num = z.number();
const maybeNum = num.nullable();

export const DashboardSchema = z
  .object({
    site: z.object({ id: str, code: str, name: str, timeZone: str }),
    today: str,
    week: z.object({ from: str, to: str }),
    journeyStages: z
      .array(
        z.object({
          stage: str,
          count: num,
          patients: z.array(z.object({ patientId: str, subjectCode: str })),
        }),
      )
      .nullable(),
    visits: z
      .object({
        dueThisWeek: num,
        overdue: num,
        items: z.array(
          z.object({
            visitId: str,
            patientId: str,
            subjectCode: str,
            code: str.describe("the visit's code in its schedule, e.g. D28"),
            label: str,
            nominalDate: str,
            windowStart: str,
            windowEnd: str,
            status: z.enum(["due", "overdue", "upcoming"]),
            daysOverdue: maybeNum,
          }),
        ),
      })
      .nullable(),
    products: z
      .array(
        z.object({
          productId: str,
          patientId: str,
          subjectCode: str,
          kind: str,
          din: str,
          state: str,
          phase: str,
          collectedOn: maybeStr,
          daysSinceCollection: maybeNum,
          daysInState: num,
        }),
      )
      .nullable(),
    toxicities: z
      .array(
        z.object({
          assessmentId: str,
          patientId: str,
          subjectCode: str,
          calculator: str,
          grade: num,
          label: str,
          assessedAt: str,
          studyDay: maybeNum,
        }),
      )
      .nullable(),
    recentInfusions: z
      .array(
        z.object({
          enrolmentId: str,
          patientId: str,
          subjectCode: str,
          infusionDate: str,
          studyDayToday: num,
          armCode: str,
          doseLevelCode: maybeStr,
        }),
      )
      .nullable(),
  })
  .meta({ id: "Dashboard", description: "A panel the role may not read is null" });

export const EndpointSchema = z
  .object({
    key: str,
    title: str,
    status: z.enum(["met", "not-met", "not-evaluable"]),
    value: z.union([num, str, z.boolean()]).nullable(),
    unit: maybeStr,
    date: maybeStr,
    studyDay: maybeNum,
    derivedFrom: z.array(
      z.object({ kind: z.enum(["observation", "medication", "assessment", "event"]), id: str }),
    ),
    rule: str,
    source: str,
    reasons: z.array(str),
    details: z.record(str, z.unknown()).optional(),
  })
  .meta({ id: "DerivedEndpoint" });

export const DerivedEndpointsSchema = z
  .object({
    patientId: str,
    subjectCode: str,
    infusionDate: maybeStr,
    timeZone: str,
    endpoints: z.array(EndpointSchema),
  })
  .meta({ id: "DerivedEndpoints" });

const Duration = z.object({ n: num, median: maybeNum, min: maybeNum, max: maybeNum });
const Rate = z.object({ numerator: num, denominator: num, rate: maybeNum });
const Metrics = z.object({
  veinToVeinDays: Duration,
  manufacturingTurnaroundDays: Duration,
  lots: z.object({ started: num, released: num, outOfSpecification: num, failed: num, pending: num }),
  failureRate: Rate,
  oosRate: Rate,
});

export const VeinToVeinMetricsSchema = z
  .object({
    sites: z.array(str),
    overall: Metrics,
    byProduct: z.array(Metrics.extend({ carProductId: maybeStr, name: str })),
    bySite: z.array(Metrics.extend({ siteId: str, code: str, name: str })),
    definitions: z.record(str, str),
  })
  .meta({ id: "VeinToVeinMetrics" });
