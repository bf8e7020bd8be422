/**
 * A grading form for one patient and one calculator: the form is built from the calculator's
 * input schema, the grade and its reasons update as the user fills it in, and "Save assessment"
 * stores it on the patient (POST /api/v1/patients/{id}/assessments), where the server grades it
 * again: the stored grade is always the server's. Opened for a protocol visit (`?visit=<id>`), the
 * form starts from the API's draft for that visit (GET /api/v1/visits/{id}/assessment-drafts):
 * what the record answers is filled in, each value with the records it came from (DraftSources),
 * and the assessment is stored against the visit. The CRS form can start from a day of the chart
 * instead (DerivedCrsPrefill: the server's daily CRS inputs from recorded vitals and medications).
 */
import { Alert, Anchor, Button, Grid, Group, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";
import type { Patient, VisitDrafts } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { i18n } from "../../i18n/index.ts";
import { reasonText } from "../../i18n/reasons.ts";
import { Status } from "../../ui/Status.tsx";
import { DerivedCrsPrefill } from "./DerivedCrsPrefill.tsx";
import { DraftSources } from "./DraftSources.tsx";
import { asked, calculatorName, prune } from "./json-schema.ts";
import { LiveGrade } from "./LiveGrade.tsx";
import { type FieldErrors, SchemaForm } from "./SchemaForm.tsx";
import { StoredAssessments } from "./StoredAssessments.tsx";
import type { CalculatorInfo, StoredAssessment } from "./types.ts";
import { useLiveResult } from "./useLiveResult.ts";
import { localDateTimeNow, toInstant } from "./when.ts";

export function GradePage() {
  const { patientId = "", calculator = "" } = useParams();
  const visitId = useSearchParams()[0].get("visit");
  const loaded = useApi(async () => {
    const [patient, catalogue, drafts] = await Promise.all([
      api.get<Patient>(`/api/v1/patients/${patientId}`),
      api.get<{ items: CalculatorInfo[] }>("/api/v1/calculators"),
      visitId ? api.get<VisitDrafts>(`/api/v1/visits/${visitId}/assessment-drafts`) : Promise.resolve(null),
    ]);
    const calc = catalogue.items.find((c) => c.name === calculator);
    if (!calc) throw new Error(i18n.t("grading.noSuchCalculator", { name: calculator }));
    return { patient, calc, drafts };
  }, [patientId, calculator, visitId]);
  return (
    <Status loaded={loaded}>
      {({ patient, calc, drafts }) => (
        <GradeForm
          key={`${patient.id}:${calc.name}:${visitId ?? ""}`}
          patient={patient}
          calc={calc}
          drafts={drafts}
        />
      )}
    </Status>
  );
}

function GradeForm({
  patient,
  calc,
  drafts,
}: {
  patient: Patient;
  calc: CalculatorInfo;
  drafts: VisitDrafts | null;
}) {
  const { t } = useTranslation();
  const draft = drafts?.drafts.find((d) => d.calculator === calc.name);
  const [value, setValue] = useState<Record<string, unknown>>(() => structuredClone(draft?.input ?? {}));
  const timeZone = useSession().site?.timeZone ?? "UTC";
  // A visit graded after the day is assessed on its own day (midday on the site's clock), not now.
  const [assessedAt, setAssessedAt] = useState(() => {
    const now = localDateTimeNow(timeZone);
    return drafts && drafts.assessmentDate < now.slice(0, 10) ? `${drafts.assessmentDate}T12:00` : now;
  });
  const [note, setNote] = useState("");
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<StoredAssessment | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const inputs = useMemo(() => prune(value, calc.inputSchema, true) ?? {}, [value, calc.inputSchema]);
  const raw = useLiveResult(calc.name, inputs);
  // zod's wording for a missing answer ("expected number, received undefined") is for developers.
  const live = useMemo(
    () => ({
      ...raw,
      issues: raw.issues.map((i) =>
        valueAt(inputs, i.path) === undefined ? { ...i, message: t("issue.missing") } : i,
      ),
    }),
    [raw, inputs, t],
  );
  const errors: FieldErrors = useMemo(
    () => Object.fromEntries(live.issues.map((i) => [i.path, i.message])),
    [live.issues],
  );
  // Only the questions on screen: a hidden one answered "no" here would appear already answered
  // once it applies (an attribution never defaulted).
  const unanswered = Object.entries(calc.inputSchema.properties ?? {}).filter(
    ([k, s]) => s.type === "boolean" && value[k] === undefined && asked(s, value),
  );

  async function save() {
    setSaving(true);
    setSaveError(null);
    setSaved(null);
    try {
      const stored = await api.post<StoredAssessment>(`/api/v1/patients/${patient.id}/assessments`, {
        calculator: calc.name,
        inputs,
        assessedAt: toInstant(assessedAt, timeZone),
        ...(drafts ? { visitId: drafts.visitId } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setSaved(stored);
      setRefresh((r) => r + 1);
    } catch (e) {
      const issues = problemErrors(e);
      setSaveError([problemMessage(e), ...issues.map((i) => i.message)].join(" — "));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Stack>
      <div>
        <Text size="sm">
          <Anchor component={Link} to={`/patients/${patient.id}`}>
            {patient.subjectCode}
          </Anchor>{" "}
          ·{" "}
          <Anchor component={Link} to="/grade">
            {t("grading.otherForms")}
          </Anchor>
        </Text>
        <Title order={1}>{calculatorName(calc.name, calc.title)}</Title>
        <Text size="sm" c="dimmed">
          {calc.source}
        </Text>
      </div>
      {drafts && !draft && (
        <Alert color="gray" title={t("prefill.noDraftTitle")}>
          {t("prefill.noDraft", { visit: drafts.visitCode })}
        </Alert>
      )}
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            {drafts && draft && (
              <DraftSources
                draft={draft}
                visitCode={drafts.visitCode}
                assessmentDate={drafts.assessmentDate}
              />
            )}
            {!drafts && calc.name === "crs" && (
              <DerivedCrsPrefill patientId={patient.id} onPrefill={(inputs) => setValue(inputs)} />
            )}
            {unanswered.length > 2 && (
              <Group>
                <Button
                  variant="default"
                  onClick={() =>
                    setValue((v) => ({ ...v, ...Object.fromEntries(unanswered.map(([k]) => [k, false])) }))
                  }
                >
                  {t("grading.answerNo", { count: unanswered.length })}
                </Button>
              </Group>
            )}
            <SchemaForm schema={calc.inputSchema} value={value} onChange={setValue} errors={errors} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack style={{ position: "sticky", top: 76 }}>
            <LiveGrade live={live} />
            <TextInput
              type="datetime-local"
              label={t("grading.assessedAt", { zone: timeZone })}
              size="md"
              value={assessedAt}
              onChange={(e) => setAssessedAt(e.currentTarget.value)}
            />
            <Textarea
              label={t("grading.note")}
              autosize
              minRows={2}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
            />
            <Button
              size="md"
              onClick={() => void save()}
              loading={saving}
              disabled={!live.result || live.pending}
            >
              {t("grading.save")}
            </Button>
            {saved && (
              <Alert color="green" role="status" title={t("common.saved")}>
                {saved.studyDay !== null
                  ? t("grading.storedOnDay", {
                      subject: patient.subjectCode,
                      label: reasonText(saved.label, saved.result.labelCode),
                      day: saved.studyDay,
                    })
                  : t("grading.storedOn", {
                      subject: patient.subjectCode,
                      label: reasonText(saved.label, saved.result.labelCode),
                    })}
              </Alert>
            )}
            {saveError && (
              <Alert color="red" role="alert" title={t("common.notSaved")}>
                {saveError}
              </Alert>
            )}
          </Stack>
        </Grid.Col>
      </Grid>
      <StoredAssessments patientId={patient.id} calculator={calc.name} refresh={refresh} />
    </Stack>
  );
}

/** The value a JSON Pointer names in the inputs, or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  let at: unknown = root;
  for (const part of pointer.split("/").slice(1)) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return at;
}
