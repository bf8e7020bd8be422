import { Button, Group } from "@mantine/core";
import type { RefObject } from "react";
import { useTranslation } from "react-i18next";

/** Save what a chart shows: the SVG as drawn, a PNG of it, and its data as CSV (RFC 4180 quoting). */

function save(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The chart's own drawing: the largest SVG in the container (a recharts legend draws small icon
 * SVGs beside the chart), copied with the size it has on screen and the page's font, so that it
 * stands alone as a file.
 */
function standaloneSvg(container: HTMLElement | null): { xml: string; width: number; height: number } | null {
  const area = (s: SVGSVGElement) => {
    const r = s.getBoundingClientRect();
    return r.width * r.height;
  };
  const svg = [...(container?.querySelectorAll("svg") ?? [])].sort((a, b) => area(b) - area(a))[0];
  if (!svg) return null;
  const { width, height } = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(Math.round(width)));
  copy.setAttribute("height", String(Math.round(height)));
  copy.setAttribute("font-family", getComputedStyle(svg).fontFamily);
  drawLegendInto(copy, container, svg.getBoundingClientRect());
  return { xml: new XMLSerializer().serializeToString(copy), width, height };
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * A recharts legend is HTML beside the SVG, so a file of the SVG alone would lose it: each item's
 * icon (itself a small SVG) and words are drawn into the copy where they stand on screen.
 */
function drawLegendInto(copy: SVGSVGElement, container: HTMLElement | null, origin: DOMRect) {
  for (const item of container?.querySelectorAll(".recharts-legend-item") ?? []) {
    const icon = item.querySelector("svg");
    if (icon) {
      const r = icon.getBoundingClientRect();
      const placed = icon.cloneNode(true) as SVGSVGElement;
      placed.setAttribute("x", String(r.left - origin.left));
      placed.setAttribute("y", String(r.top - origin.top));
      placed.setAttribute("width", String(r.width));
      placed.setAttribute("height", String(r.height));
      copy.appendChild(placed);
    }
    const words = item.querySelector(".recharts-legend-item-text");
    if (words instanceof HTMLElement) {
      const r = words.getBoundingClientRect();
      const style = getComputedStyle(words);
      const text = document.createElementNS(SVG_NS, "text");
      text.setAttribute("x", String(r.left - origin.left));
      // The baseline sits about a fifth of the line above the box's bottom.
      text.setAttribute("y", String(r.bottom - origin.top - r.height * 0.22));
      text.setAttribute("fill", style.color);
      text.setAttribute("font-size", style.fontSize);
      text.textContent = words.textContent;
      copy.appendChild(text);
    }
  }
}

export function downloadSvg(container: HTMLElement | null, name: string) {
  const svg = standaloneSvg(container);
  if (svg) save(name, new Blob([svg.xml], { type: "image/svg+xml" }));
}

/**
 * The chart as a PNG at twice its screen size (sharp on a slide), on white: the SVG is drawn onto
 * a canvas by the browser's own renderer, so the picture is the one on screen.
 */
export async function downloadPng(container: HTMLElement | null, name: string, scale = 2) {
  const svg = standaloneSvg(container);
  if (!svg) return;
  // A data: address, as the app's content security policy allows images from (img-src 'self' data:).
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.xml)}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(svg.width * scale);
  canvas.height = Math.round(svg.height * scale);
  const context = canvas.getContext("2d");
  if (!context) return;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const png = await new Promise<Blob | null>((done) => canvas.toBlob(done, "image/png"));
  if (png) save(name, png);
}

const cell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n");
}

export const downloadCsv = (name: string, header: string[], rows: unknown[][]) =>
  save(name, new Blob([toCsv(header, rows)], { type: "text/csv" }));

/** The buttons under every cohort chart: the SVG as drawn, a PNG of it, and its data as CSV. */
export function ChartDownloads({
  chart,
  name,
  csv,
}: {
  chart: RefObject<HTMLDivElement | null>;
  name: string;
  csv: () => { header: string[]; rows: unknown[][] };
}) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" mt="xs">
      <Button size="xs" variant="default" onClick={() => downloadSvg(chart.current, `${name}.svg`)}>
        {t("cohort.download.svg")}
      </Button>
      <Button size="xs" variant="default" onClick={() => void downloadPng(chart.current, `${name}.png`)}>
        {t("cohort.download.png")}
      </Button>
      <Button
        size="xs"
        variant="default"
        onClick={() => {
          const { header, rows } = csv();
          downloadCsv(`${name}.csv`, header, rows);
        }}
      >
        {t("cohort.download.csv")}
      </Button>
    </Group>
  );
}
