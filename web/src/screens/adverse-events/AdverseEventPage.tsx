/**
 * Record an adverse event for a patient, or correct one (`/patients/:patientId/adverse-events/new`,
 * `…/:aeId`). Everything offered comes from GET /api/v1/adverse-events/vocabulary: the CAR-T terms
 * with their SOC and the grades CTCAE v5.0 (ASTCT for CRS and ICANS) defines for them, so a grade
 * the term does not have is never offered. The server judges the whole event
 * (domain/adverse-events.ts) and refuses contradictions field by field; they are shown at their
 * fields in the reader's language, by their stable codes. A correction restates the event with a
 * reason and sends the version read (If-Match), so two people cannot overwrite each other.
 */
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Grid,
  NativeSelect,
  Radio,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, api } from "../../api/client.ts";
import { issueMessage, lookup, problemMessage } from "../../api/problem-errors.ts";
import type { AdverseEvent, AdverseEventVocabulary, Patient } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { currentLanguage } from "../../i18n/index.ts";
import { Status } from "../../ui/Status.tsx";
import { siteToday } from "../../ui/site-time.ts";

const OTHER = "__other__";

export function AdverseEventPage() {
  const { patientId = "", aeId } = useParams();
  const loaded = useApi(async () => {
    const [patient, vocabulary, event] = await Promise.all([
      api.get<Patient>(`/api/v1/patients/${patientId}`),
      api.get<AdverseEventVocabulary>("/api/v1/adverse-events/vocabulary"),
      aeId ? api.get<AdverseEvent>(`/api/v1/adverse-events/${aeId}`) : Promise.resolve(null),
    ]);
    return { patient, vocabulary, event };
  }, [patientId, aeId]);
  return (
    <Status loaded={loaded}>
      {({ patient, vocabulary, event }) => (
        <AdverseEventForm key={event?.id ?? "new"} patient={patient} vocabulary={vocabulary} event={event} />
      )}
    </Status>
  );
}

/** A term's name and a SOC's name in the reader's language, from the CTCAE/MedDRA catalogue. */
export const termName = (term: string) => lookup(`aeTerms.${term}`) ?? term;
const socName = (soc: string) => lookup(`aeSoc.${soc}`) ?? soc;

function AdverseEventForm({
  patient,
  vocabulary,
  event,
}: {
  patient: Patient;
  vocabulary: AdverseEventVocabulary;
  event: AdverseEvent | null;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const timeZone = useSession().site?.timeZone ?? "UTC";
  const knownTerm = (term: string) => vocabulary.terms.find((x) => x.term === term);
  const [choice, setChoice] = useState(event ? (knownTerm(event.term) ? event.term : OTHER) : "");
  const [otherTerm, setOtherTerm] = useState(event && !knownTerm(event.term) ? event.term : "");
  const [otherSoc, setOtherSoc] = useState(event && !knownTerm(event.term) ? event.soc : "");
  const [grade, setGrade] = useState(event ? String(event.grade) : "");
  const [attribution, setAttribution] = useState(event?.attribution ?? "");
  const [serious, setSerious] = useState(event?.serious ?? false);
  const [criteria, setCriteria] = useState<string[]>(event?.seriousCriteria ?? []);
  const [onsetDate, setOnsetDate] = useState(event?.onsetDate ?? siteToday(timeZone));
  const [resolvedDate, setResolvedDate] = useState(event?.resolvedDate ?? "");
  const [outcome, setOutcome] = useState(event?.outcome ?? "");
  const [pathogenClass, setPathogenClass] = useState(event?.pathogenClass ?? "");
  const [organism, setOrganism] = useState(event?.organism ?? "");
  const [note, setNote] = useState(event?.note ?? "");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);

  const term = choice === OTHER ? otherTerm.trim() : choice;
  const known = choice && choice !== OTHER ? knownTerm(choice) : undefined;
  const soc = known ? known.soc : otherSoc;
  // A known term offers only the grades its scale defines; any other CTCAE term 1–5.
  const grades = known ? known.grades : [1, 2, 3, 4, 5];
  const infection = soc === "Infections and infestations";

  const labels: Record<string, string> = {
    term: t("aeForm.term"),
    soc: t("aeForm.soc"),
    grade: t("adverseEvents.grade"),
    attribution: t("adverseEvents.attribution"),
    serious: t("aeForm.serious"),
    seriousCriteria: t("aeForm.criteria"),
    onsetDate: t("aeForm.onsetDate"),
    resolvedDate: t("aeForm.resolvedDate"),
    outcome: t("adverseEvents.outcome"),
    pathogenClass: t("aeForm.pathogenClass"),
    organism: t("aeForm.organism"),
    note: t("aeForm.note"),
    reason: t("aeForm.reason"),
  };

  function fieldErrors(e: unknown): Record<string, string> {
    if (!(e instanceof ApiError)) return {};
    const out: Record<string, string> = {};
    for (const issue of e.problem.errors ?? []) {
      const field = issue.pointer.split("/")[1] ?? "";
      // English readers get the server's sentence (it names the term's grades); others the rule's words by its code.
      const own = currentLanguage() === "en" ? undefined : lookup(`aeForm.problem.${issue.code ?? ""}`);
      const message = own ?? issueMessage(issue, labels[field]);
      out[field] = out[field] ? `${out[field]} ${message}` : message;
    }
    return out;
  }

  async function save() {
    setBusy(true);
    setErrors({});
    setFailure(null);
    const facts = {
      term,
      soc,
      grade: grade === "" ? null : Number(grade),
      attribution,
      serious,
      seriousCriteria: serious ? criteria : [],
      onsetDate,
      resolvedDate: resolvedDate || null,
      outcome,
      pathogenClass: infection && pathogenClass ? pathogenClass : null,
      organism: infection && organism.trim() ? organism.trim() : null,
      note: note.trim() || null,
    };
    try {
      if (event)
        await api.patch(
          `/api/v1/adverse-events/${event.id}`,
          { ...facts, reason: reason.trim() },
          event.version,
        );
      else await api.post("/api/v1/adverse-events", { patientId: patient.id, ...facts });
      navigate(`/patients/${patient.id}#adverse-events-title`);
    } catch (e) {
      setErrors(fieldErrors(e));
      setFailure(problemMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const options = (codes: readonly string[], label: (c: string) => string) => [
    { value: "", label: t("aeForm.choose") },
    ...codes.map((c) => ({ value: c, label: label(c) })),
  ];

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack maw={820}>
        <div>
          <Text size="sm">
            <Anchor component={Link} to={`/patients/${patient.id}`}>
              {patient.subjectCode}
            </Anchor>
          </Text>
          <Title order={1}>{event ? t("aeForm.correctTitle") : t("aeForm.newTitle")}</Title>
        </div>
        <Grid>
          <Grid.Col span={{ base: 12, sm: 8 }}>
            <NativeSelect
              label={labels.term}
              description={t("aeForm.termHelp")}
              size="md"
              required
              value={choice}
              onChange={(e) => {
                const next = e.currentTarget.value;
                setChoice(next);
                const k = knownTerm(next);
                if (k && grade && !k.grades.includes(Number(grade) as never)) setGrade("");
              }}
              error={choice !== OTHER ? errors.term : undefined}
              data={[
                { value: "", label: t("aeForm.choose") },
                ...vocabulary.terms.map((x) => ({ value: x.term, label: termName(x.term) })),
                { value: OTHER, label: t("aeForm.otherTerm") },
              ]}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 4 }}>
            {known ? (
              <Text size="sm" mt={{ sm: 30 }}>
                {socName(known.soc)}
                <br />
                <Text span size="xs" c="dark.4">
                  {t("aeForm.scale", { scale: known.scale })}
                </Text>
              </Text>
            ) : null}
          </Grid.Col>
          {choice === OTHER && (
            <>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label={t("aeForm.otherTermName")}
                  description={t("aeForm.otherTermHelp")}
                  size="md"
                  required
                  value={otherTerm}
                  onChange={(e) => setOtherTerm(e.currentTarget.value)}
                  error={errors.term}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <NativeSelect
                  label={labels.soc}
                  size="md"
                  required
                  value={otherSoc}
                  onChange={(e) => setOtherSoc(e.currentTarget.value)}
                  error={errors.soc}
                  data={options(vocabulary.systemOrganClasses, socName)}
                />
              </Grid.Col>
            </>
          )}
          {known && errors.soc && (
            <Grid.Col span={12}>
              <Text c="red.8" size="sm">
                {errors.soc}
              </Text>
            </Grid.Col>
          )}
          <Grid.Col span={12}>
            <Radio.Group
              label={labels.grade}
              description={t("aeForm.gradeHelp")}
              withAsterisk
              value={grade}
              onChange={setGrade}
              error={errors.grade}
            >
              <Stack gap={6} mt={6}>
                {grades.map((g) => (
                  <Radio key={g} value={String(g)} label={`${g} — ${t(`aeForm.gradeMeaning.${g as 1}`)}`} />
                ))}
              </Stack>
            </Radio.Group>
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <NativeSelect
              label={labels.attribution}
              size="md"
              required
              value={attribution}
              onChange={(e) => setAttribution(e.currentTarget.value)}
              error={errors.attribution}
              data={options(vocabulary.attributions, (a) =>
                t(`adverseEvents.attributions.${a as "possible"}`),
              )}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <NativeSelect
              label={labels.outcome}
              size="md"
              required
              value={outcome}
              onChange={(e) => setOutcome(e.currentTarget.value)}
              error={errors.outcome}
              data={options(vocabulary.outcomes, (o) => t(`adverseEvents.outcomes.${o as "FATAL"}`))}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              type="date"
              label={t("aeForm.onsetDateZone", { zone: timeZone })}
              size="md"
              required
              value={onsetDate}
              onChange={(e) => setOnsetDate(e.currentTarget.value)}
              error={errors.onsetDate}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6 }}>
            <TextInput
              type="date"
              label={t("aeForm.resolvedDateZone", { zone: timeZone })}
              description={t("aeForm.resolvedHelp")}
              size="md"
              value={resolvedDate}
              onChange={(e) => setResolvedDate(e.currentTarget.value)}
              error={errors.resolvedDate}
            />
          </Grid.Col>
          <Grid.Col span={12}>
            <Switch
              size="md"
              label={labels.serious}
              description={t("aeForm.seriousHelp")}
              checked={serious}
              onChange={(e) => setSerious(e.currentTarget.checked)}
              error={errors.serious}
            />
          </Grid.Col>
          {serious && (
            <Grid.Col span={12}>
              <Checkbox.Group
                label={labels.seriousCriteria}
                description={t("aeForm.criteriaHelp")}
                withAsterisk
                value={criteria}
                onChange={setCriteria}
                error={errors.seriousCriteria}
              >
                <Stack gap={6} mt={6}>
                  {vocabulary.seriousnessCriteria.map((c) => (
                    <Checkbox key={c} value={c} label={t(`aeForm.criterion.${c as "death"}`)} />
                  ))}
                </Stack>
              </Checkbox.Group>
            </Grid.Col>
          )}
          {!serious && errors.seriousCriteria && (
            <Grid.Col span={12}>
              <Text c="red.8" size="sm">
                {errors.seriousCriteria}
              </Text>
            </Grid.Col>
          )}
          {infection && (
            <>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <NativeSelect
                  label={labels.pathogenClass}
                  size="md"
                  value={pathogenClass}
                  onChange={(e) => setPathogenClass(e.currentTarget.value)}
                  error={errors.pathogenClass}
                  data={options(vocabulary.pathogenClasses, (p) => t(`aeForm.pathogen.${p as "viral"}`))}
                />
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 6 }}>
                <TextInput
                  label={labels.organism}
                  size="md"
                  value={organism}
                  onChange={(e) => setOrganism(e.currentTarget.value)}
                  error={errors.organism}
                />
              </Grid.Col>
            </>
          )}
          <Grid.Col span={12}>
            <Textarea
              label={labels.note}
              autosize
              minRows={2}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              error={errors.note}
            />
          </Grid.Col>
          {event && (
            <Grid.Col span={12}>
              <TextInput
                label={labels.reason}
                description={t("aeForm.reasonHelp")}
                size="md"
                required
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={errors.reason}
              />
            </Grid.Col>
          )}
        </Grid>
        <Button type="submit" size="md" loading={busy} w="fit-content">
          {event ? t("aeForm.saveCorrection") : t("aeForm.record")}
        </Button>
        {failure && (
          <Alert color="red" role="alert" title={t("common.notSaved")}>
            {failure}
            {Object.keys(errors).length > 0 && (
              <ul>
                {Object.entries(errors).map(([field, message]) => (
                  <li key={field}>
                    {labels[field] ?? field}: {message}
                  </li>
                ))}
              </ul>
            )}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
