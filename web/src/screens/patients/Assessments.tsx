import { List, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { lookup } from "../../api/problem-errors.ts";
import type { Assessment } from "../../api/types.ts";
import { useSession } from "../../auth/session.tsx";
import { reasonText, reasonTexts } from "../../i18n/reasons.ts";
import { studyDay } from "../../ui/format.ts";
import { siteDate } from "../../ui/site-time.ts";
import { calculatorName } from "../grading/json-schema.ts";

/** Stored gradings with the reasons the calculator gave, newest last (as the story reads). */
export function Assessments({ items }: { items: Assessment[] }) {
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const { t } = useTranslation();
  const rows = items
    .filter((a) => a.status === "final")
    .sort((a, b) => a.assessedAt.localeCompare(b.assessedAt));
  return (
    <section aria-labelledby="assessments-title">
      <Title order={2} size="h3" id="assessments-title" mb="xs">
        {t("patientScreens.assessments.title")}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm">{t("patientScreens.assessments.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("patientScreens.assessments.date")}</Table.Th>
                <Table.Th scope="col">{t("patientScreens.assessments.assessment")}</Table.Th>
                <Table.Th scope="col">{t("patientScreens.assessments.result")}</Table.Th>
                <Table.Th scope="col">{t("patientScreens.assessments.why")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {siteDate(a.assessedAt, timeZone)}
                    <br />
                    <Text size="xs" c="dark.4" component="span">
                      {studyDay(a.studyDay)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {calculatorName(a.calculator)}
                    <br />
                    <Text size="xs" c="dark.4" component="span">
                      {a.ruleSet}
                      {a.source !== "entered"
                        ? ` · ${lookup(`patientScreens.assessments.sources.${a.source}`) ?? a.source}`
                        : ""}
                    </Text>
                  </Table.Td>
                  <Table.Td fw={700}>{reasonText(a.label, a.result.labelCode)}</Table.Td>
                  <Table.Td>
                    <List size="xs" spacing={2}>
                      {reasonTexts(a.result.reasons, a.result.reasonCodes).map((r) => (
                        <List.Item key={r}>{r}</List.Item>
                      ))}
                    </List>
                    {a.note && (
                      <Text size="xs" c="dark.4" mt={4}>
                        {t("patientScreens.assessments.note", { note: a.note })}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}
