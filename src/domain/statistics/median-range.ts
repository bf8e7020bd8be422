/**
 * Median and range of a sample, as toxicity tables report onset and duration ("median 3 days,
 * range 1–9"). The median of an even-sized sample is the mean of the two middle values (R's
 * `median`, type-7 quantile at 0.5). Null when the sample is empty.
 */
export interface MedianRange {
  n: number;
  median: number | null;
  min: number | null;
  max: number | null;
}

export function medianRange(values: readonly number[]): MedianRange {
  for (const v of values)
    if (!Number.isFinite(v)) throw new RangeError(`medianRange: ${v} is not a finite number`);
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n, median: null, min: null, max: null };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { n, median, min: s[0]!, max: s[n - 1]! };
}
