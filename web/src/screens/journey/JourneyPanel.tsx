import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";
import { siteTime } from "../../ui/site-time.ts";
import { EventForm } from "./EventForm.tsx";
import { JourneyProducts } from "./JourneyProducts.tsx";
import { eventLabel, orderedEvents } from "./journey-events.ts";
import type { Journey, JourneyHistory } from "./journey-types.ts";
import { Refusal } from "./Refusal.tsx";

interface Props {
  enrolmentId: string;
  studyId: string;
  timeZone: string;
  /** the user may move the journey (coordinator, investigator) */
  mayWrite: boolean;
  /** after a move: the rest of the patient page (timeline, visits) reads again */
  onMoved: () => void;
}

/** The journey, or null when the enrolment has none open yet. */
async function journeyOf(enrolmentId: string): Promise<{ journey: Journey; history: JourneyHistory } | null> {
  let journey: Journey;
  try {
    journey = await api.get<Journey>(`/api/v1/enrolments/${enrolmentId}/journey`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
  const history = await api.get<JourneyHistory>(`/api/v1/journeys/${journey.id}/events`);
  return { journey, history };
}

/**
 * The patient's vein-to-vein journey (issue 11): where it stands, only the moves the server allows
 * from there as buttons, each opening the form that move needs, and the moves made so far on the
 * site's clock. The server decides; a refused move is shown by its rule in plain words.
 */
export function JourneyPanel({ enrolmentId, studyId, timeZone, mayWrite, onMoved }: Props) {
  const { t } = useTranslation();
  const loaded = useApi(() => journeyOf(enrolmentId), [enrolmentId]);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function openJourney() {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/enrolments/${enrolmentId}/journey`);
      loaded.reload();
      onMoved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const data = loaded.data;
  const { forward, endings } = orderedEvents(data?.journey.allowedEvents ?? []);
  const button = (type: string, ending: boolean) => (
    <Button
      key={type}
      size="xs"
      // An ending reads dark red on white (outline): red on the light red fill fails WCAG 1.4.3's 4.5:1.
      variant={open === type ? "filled" : ending ? "outline" : "light"}
      color={ending ? "red.9" : undefined}
      onClick={() => {
        setOpen(open === type ? null : type);
        setError(null);
      }}
      aria-expanded={open === type}
    >
      {eventLabel(type)}
    </Button>
  );

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="journey-title">
      <Title order={2} size="h4" id="journey-title" mb="xs">
        {t("journeyPanel.title")}
      </Title>
      {loaded.error && <Refusal error={loaded.error} />}
      {loaded.data === undefined && !loaded.error && <Text c="dimmed">{t("common.loading")}</Text>}
      {data === null && (
        <Stack gap="xs" align="flex-start">
          <Text>{t("journeyPanel.none")}</Text>
          {mayWrite && (
            <Button size="xs" loading={busy} onClick={openJourney}>
              {t("journeyPanel.open")}
            </Button>
          )}
          {error != null && <Refusal error={error} />}
        </Stack>
      )}
      {data && (
        <Stack gap="sm">
          <Group gap="xs">
            <Text>{t("journeyPanel.stage")}</Text>
            <Badge size="lg" variant="light" color="blue" data-testid="journey-state">
              {lookup(`journeyState.${data.journey.state}`) ?? data.journey.state}
            </Badge>
          </Group>
          {mayWrite && data.journey.allowedEvents.length === 0 && (
            <Text c="dimmed">{t("journeyPanel.closed")}</Text>
          )}
          {mayWrite && data.journey.allowedEvents.length > 0 && (
            <Stack gap={4}>
              <Text size="sm" fw={600} id="journey-next">
                {t("journeyPanel.next")}
              </Text>
              <Group gap="xs" role="group" aria-labelledby="journey-next">
                {forward.map((type) => button(type, false))}
              </Group>
              {endings.length > 0 && (
                <Group gap="xs" role="group" aria-label={t("journeyPanel.endings")}>
                  {endings.map((type) => button(type, true))}
                </Group>
              )}
            </Stack>
          )}
          {open && mayWrite && (
            <EventForm
              key={open}
              type={open}
              journey={data.journey}
              enrolmentId={enrolmentId}
              studyId={studyId}
              timeZone={timeZone}
              onCancel={() => setOpen(null)}
              onDone={() => {
                setOpen(null);
                loaded.reload();
                onMoved();
              }}
            />
          )}
          <JourneyProducts
            journey={data.journey}
            history={data.history}
            mayWrite={mayWrite}
            onRecorded={onMoved}
          />
          <History history={data.history} timeZone={timeZone} />
        </Stack>
      )}
    </Paper>
  );
}

function History({ history, timeZone }: { history: JourneyHistory; timeZone: string }) {
  const { t } = useTranslation();
  if (history.items.length === 0) return <Text c="dimmed">{t("journeyPanel.noMoves")}</Text>;
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table striped>
        <Table.Caption>{t("journeyPanel.historyCaption", { zone: timeZone })}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("journeyPanel.when")}</Table.Th>
            <Table.Th>{t("journeyPanel.what")}</Table.Th>
            <Table.Th>{t("journeyPanel.reached")}</Table.Th>
            <Table.Th>{t("journeyPanel.reason")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {[...history.items].reverse().map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>{siteTime(e.at, timeZone)}</Table.Td>
              <Table.Td>{eventLabel(e.type)}</Table.Td>
              <Table.Td>{lookup(`journeyState.${e.toState}`) ?? e.toState}</Table.Td>
              <Table.Td>{e.reason ?? ""}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
