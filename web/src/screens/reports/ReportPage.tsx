import { Box } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * The frame of a printed report: no navigation, an A4-wide column, buttons hidden, and charts
 * and table rows kept whole across page breaks.
 */
const PRINT_CSS = `
@page { size: A4; }
@media print {
  button { display: none !important; }
  tr, svg { break-inside: avoid; }
}
.report-root button { display: none; }
`;

export function ReportPage({ children }: { children: ReactNode }) {
  return (
    <Box className="report-root" maw={1000} mx="auto" p="md">
      <style>{PRINT_CSS}</style>
      {children}
    </Box>
  );
}
