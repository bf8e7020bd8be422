/**
 * Building blocks shared by every input schema. zod is pure, so these live in the domain and are
 * used by the HTTP layer (request validation and OpenAPI), the services (which re-validate, so the
 * CLI and demo loader get the same checks) and, later, the web app.
 */
import { z } from "zod";

export const Uuid = z.uuid();

/** A calendar date, YYYY-MM-DD, that exists (2019-02-30 is refused). */
export const CalendarDate = z.iso.date().describe("Calendar date, YYYY-MM-DD");

/** An instant with an explicit offset, e.g. 2019-09-16T10:30:00+08:00. A bare local time is ambiguous. */
export const Instant = z.iso.datetime({ offset: true }).describe("Instant, RFC 3339 with offset or Z");

export const Sex = z.enum(["female", "male", "other", "unknown"]);

export const NonEmptyText = (max = 500) => z.string().trim().min(1).max(max);

/** Why an existing record is changed: required on every update of clinical or study data. */
export const Reason = z.string().trim().min(3, "Give a reason of at least 3 characters").max(1000);

/**
 * A field the server fills itself (the actor from the session, a time from its clock): refused
 * when a client sends it, so that the client notices instead of believing its value was kept.
 */
export const ServerFilled = (message: string) => z.never({ error: message }).optional();

/** Optimistic-lock version, alternatively sent as If-Match. */
export const Version = z.number().int().positive().max(2_147_483_647);

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
});

export const IdParams = z.object({ id: Uuid });
