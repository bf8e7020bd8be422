import { Anchor, Button, Group, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import type { AdverseEvent } from "../../api/types.ts";
import { isoDate } from "../../ui/format.ts";
import { termName } from "../adverse-events/AdverseEventPage.tsx";

/**
 * The patient's adverse events (GET /api/v1/adverse-events): CTCAE term, grade (ASTCT for CRS and
 * ICANS), dates, relation to the product, seriousness and outcome, earliest first. The rules that
 * make these consistent are the server's (domain/adverse-events.ts); this only shows them, with a
 * link to record one and to correct each (screens/adverse-events).
 */
export function AdverseEvents({ items }: { items: AdverseEvent[] }) {
  const { t } = useTranslation();
  const { patientId = "" } = useParams();
  const rows = [...items].sort(
    (a, b) => a.onsetDate.localeCompare(b.onsetDate) || a.term.localeCompare(b.term),
  );
  return (
    <section aria-labelledby="adverse-events-title">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3" id="adverse-events-title">
          {t("adverseEvents.title")}
        </Title>
        <Button component={Link} to={`/patients/${patientId}/adverse-events/new`} variant="light">
          {t("aeForm.recordLink")}
        </Button>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm">{t("adverseEvents.none")}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" aria-labelledby="adverse-events-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("adverseEvents.term")}</Table.Th>
                <Table.Th scope="col">{t("adverseEvents.grade")}</Table.Th>
                <Table.Th scope="col">{t("adverseEvents.dates")}</Table.Th>
                <Table.Th scope="col">{t("adverseEvents.attribution")}</Table.Th>
                <Table.Th scope="col">{t("adverseEvents.serious")}</Table.Th>
                <Table.Th scope="col">{t("adverseEvents.outcome")}</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>{t("aeForm.correct")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((ae) => (
                <Table.Tr key={ae.id}>
                  <Table.Td>
                    {termName(ae.term)}
                    {ae.organism && (
                      <Text size="xs" c="dark.4">
                        {ae.organism}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{ae.grade}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {isoDate(ae.onsetDate)} –{" "}
                    {ae.resolvedDate ? isoDate(ae.resolvedDate) : t("adverseEvents.ongoing")}
                  </Table.Td>
                  <Table.Td>{t(`adverseEvents.attributions.${ae.attribution as "possible"}`)}</Table.Td>
                  <Table.Td>{ae.serious ? t("adverseEvents.yes") : t("adverseEvents.no")}</Table.Td>
                  <Table.Td>{t(`adverseEvents.outcomes.${ae.outcome as "FATAL"}`)}</Table.Td>
                  <Table.Td>
                    <Anchor
                      component={Link}
                      to={`/patients/${patientId}/adverse-events/${ae.id}`}
                      aria-label={t("aeForm.correctOne", {
                        term: termName(ae.term),
                        date: isoDate(ae.onsetDate),
                      })}
                    >
                      {t("aeForm.correct")}
                    </Anchor>
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
