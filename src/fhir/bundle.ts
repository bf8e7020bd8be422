/**
 * searchset Bundles and OperationOutcomes (https://hl7.org/fhir/R4/bundle.html,
 * https://hl7.org/fhir/R4/operationoutcome.html). Paging links are whole URLs the client follows
 * as given (R4 http.html#paging).
 */
import type { Bundle, OperationOutcome, Resource } from "@medplum/fhirtypes";

export function searchset(
  resources: Resource[],
  links: { self: string; next?: string },
  baseUrl: string,
  now: Date,
): Bundle {
  return {
    resourceType: "Bundle",
    type: "searchset",
    meta: { lastUpdated: now.toISOString() },
    link: [
      { relation: "self", url: links.self },
      ...(links.next ? [{ relation: "next", url: links.next }] : []),
    ],
    entry: resources.map((resource) => ({
      fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: "match" as const },
    })),
  };
}

/** R4 issue-type codes (http://hl7.org/fhir/issue-type) we report. */
export type IssueType =
  | "invalid"
  | "not-found"
  | "forbidden"
  | "login"
  | "not-supported"
  | "processing"
  | "exception"
  | "conflict"
  | "too-costly"
  | "informational";

export function operationOutcome(
  issues: { code: IssueType; diagnostics: string; expression?: string[] }[],
  severity: "error" | "warning" | "information" = "error",
): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: issues.map((i) => ({ severity, ...i })),
  };
}
