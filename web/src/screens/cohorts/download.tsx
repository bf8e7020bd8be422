import { Button, Group } from "@mantine/core";
import type { RefObject } from "react";

/** Save what a chart shows: the SVG as drawn, and its data as CSV (RFC 4180 quoting). */

function save(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadSvg(container: HTMLElement | null, name: string) {
  const svg = container?.querySelector("svg");
  if (!svg) return;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  save(name, "image/svg+xml", new XMLSerializer().serializeToString(copy));
}

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n");
}

export const downloadCsv = (name: string, header: string[], rows: unknown[][]) =>
  save(name, "text/csv", toCsv(header, rows));

/** The two buttons under every cohort chart: the SVG as drawn, and its data as CSV. */
export function ChartDownloads({
  chart,
  name,
  csv,
}: {
  chart: RefObject<HTMLDivElement | null>;
  name: string;
  csv: () => { header: string[]; rows: unknown[][] };
}) {
  return (
    <Group gap="xs" mt="xs">
      <Button size="xs" variant="default" onClick={() => downloadSvg(chart.current, `${name}.svg`)}>
        Download SVG
      </Button>
      <Button
        size="xs"
        variant="default"
        onClick={() => {
          const { header, rows } = csv();
          downloadCsv(`${name}.csv`, header, rows);
        }}
      >
        Download CSV
      </Button>
    </Group>
  );
}
