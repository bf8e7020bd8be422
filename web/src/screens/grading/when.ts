/** The browser's local date-time for a datetime-local input, and back to an instant with offset. */
export function localDateTimeNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "2026-03-02T08:15" (local) → RFC 3339 in UTC; the server wants an explicit offset. */
export function toInstant(local: string): string {
  return new Date(local).toISOString();
}
