/**
 * Pseudonymous subject codes: the site prefix and a sequence number, e.g. SZ-0001. They are
 * sequential per site and never derived from name, birth date or record number, as
 * pseudonymisation requires (shared/domain/workflow-standards.md §7.1).
 */
export const SUBJECT_CODE_PATTERN = /^[A-Z][A-Z0-9]{1,9}-\d{4,6}$/;

export function formatSubjectCode(sitePrefix: string, sequence: number): string {
  return `${sitePrefix}-${String(sequence).padStart(4, "0")}`;
}
