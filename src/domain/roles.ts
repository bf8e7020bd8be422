/**
 * Roles a user holds per site, and what each may do. This table is the single source of truth
 * for authorization; services ask `may(roles, permission)` and the matrix test walks it.
 *
 * Least privilege: the admin runs the site (users, studies, products, audit) but does not enter
 * clinical data; manufacturing sees subject codes and studies but not clinical records; the
 * monitor reads everything except identity and writes nothing.
 *
 * Quality assurance is its own role, apart from manufacturing: GMP keeps the unit that decides on
 * release independent of production (EU GMP Part I §2.5–2.6, 21 CFR 211.22), so only `quality`
 * holds `product:release` (QC results, release, quarantine decisions, the QA signature on an
 * out-of-specification exception). Manufacturing records what it does to a product
 * (`product:write`); so do the clinical roles that receive, store, thaw and infuse it.
 */
export const ROLES = ["admin", "investigator", "coordinator", "manufacturing", "quality", "monitor"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "patient:read", // the pseudonymous record: subject code, birth year, sex
  "patient:write",
  "identity:read", // name, contact, national ID
  "identity:write",
  "clinical:read", // conditions, observations, medications, events, timeline
  "clinical:write",
  "enrolment:read",
  "enrolment:write",
  "study:read",
  "study:write", // studies and CAR products
  "product:write", // product units, custody hand-offs, logger readings, manufacturing slots
  "product:release", // QC results, release, quarantine decisions, QA signature on an OOS exception
  "site:manage", // users and memberships of the site
  "audit:read",
  "audit:verify", // check the audit trail's hash chain and checkpoints (admin API)
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, ReadonlyArray<Permission>> = {
  admin: [
    "patient:read",
    "clinical:read",
    "enrolment:read",
    "study:read",
    "study:write",
    "site:manage",
    "audit:read",
    "audit:verify",
  ],
  investigator: [
    "patient:read",
    "patient:write",
    "identity:read",
    "identity:write",
    "clinical:read",
    "clinical:write",
    "enrolment:read",
    "enrolment:write",
    "study:read",
    "study:write",
    "product:write",
  ],
  coordinator: [
    "patient:read",
    "patient:write",
    "identity:read",
    "identity:write",
    "clinical:read",
    "clinical:write",
    "enrolment:read",
    "enrolment:write",
    "study:read",
    "product:write",
  ],
  manufacturing: ["patient:read", "enrolment:read", "study:read", "product:write"],
  quality: ["patient:read", "enrolment:read", "study:read", "product:release"],
  monitor: ["patient:read", "clinical:read", "enrolment:read", "study:read", "audit:read"],
};

export function may(roles: Iterable<Role>, permission: Permission): boolean {
  for (const role of roles) if (GRANTS[role].includes(permission)) return true;
  return false;
}

export function isRole(value: string): value is Role {
  return (ROLES as ReadonlyArray<string>).includes(value);
}
