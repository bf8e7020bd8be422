import { Box, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { currentLanguage, i18n } from "../../i18n/index.ts";

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

/**
 * A report's title in the reader's language, with the other language's title under it: a report
 * travels to meetings where both are read.
 */
export function ReportTitle({
  titleKey,
  suffix = "",
}: {
  titleKey: "cohort.report.cohortTitle" | "cohort.report.caseTitle";
  suffix?: string;
}) {
  const { t } = useTranslation();
  const other = currentLanguage() === "en" ? "zh-CN" : "en";
  return (
    <>
      <Title order={1}>
        {t(titleKey)}
        {suffix}
      </Title>
      <Text size="lg" lang={other} mb="sm">
        {i18n.getFixedT(other)(titleKey)}
      </Text>
    </>
  );
}

export function ReportPage({ children }: { children: ReactNode }) {
  return (
    <Box className="report-root" maw={1000} mx="auto" p="md">
      <style>{PRINT_CSS}</style>
      {children}
    </Box>
  );
}
