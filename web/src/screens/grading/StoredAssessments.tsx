/** The patient's stored assessments of one calculator, newest first, with their reasons and any warnings. */
import { Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { getAll } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { reasonText, reasonTexts } from "../../i18n/reasons.ts";
import { studyDay } from "../../ui/format.ts";
import { Status } from "../../ui/Status.tsx";
import { siteTime } from "../../ui/site-time.ts";
import type { StoredAssessment } from "./types.ts";

export function StoredAssessments({
  patientId,
  calculator,
  refresh,
}: {
  patientId: string;
  calculator: string;
  refresh: number;
}) {
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const { t } = useTranslation();
  const list = useApi(
    () => getAll<StoredAssessment>(`/api/v1/patients/${patientId}/assessments`, { calculator }),
    [patientId, calculator, refresh],
  );
  return (
    <section aria-labelledby="stored-title">
      <Title order={2} size="h4" id="stored-title">
        {t("grading.stored")}
      </Title>
      <Status loaded={list}>
        {(items) =>
          items.length === 0 ? (
            <Text c="dimmed">{t("grading.noneYet")}</Text>
          ) : (
            <Table striped captionSide="top">
              <Table.Caption>{t("grading.storedCount", { count: items.length })}</Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("grading.assessedAtShort")}</Table.Th>
                  <Table.Th scope="col">{t("grading.studyDay")}</Table.Th>
                  <Table.Th scope="col">{t("grading.result")}</Table.Th>
                  <Table.Th scope="col">{t("grading.why")}</Table.Th>
                  <Table.Th scope="col">{t("common.status")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...items].reverse().map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{siteTime(a.assessedAt, timeZone)}</Table.Td>
                    <Table.Td>{studyDay(a.studyDay)}</Table.Td>
                    <Table.Td fw={600}>{reasonText(a.label, a.result.labelCode)}</Table.Td>
                    <Table.Td>
                      {(a.result.warnings?.length ?? 0) > 0 && (
                        <Text span c="yellow.9" fw={600}>
                          {t("grading.check")} {a.result.warnings!.map((w) => w.message).join(" ")}{" "}
                        </Text>
                      )}
                      {reasonTexts(a.result.reasons, a.result.reasonCodes).join(" ")}
                    </Table.Td>
                    <Table.Td>{lookup(`assessmentStatus.${a.status}`) ?? a.status}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </Status>
    </section>
  );
}
