import { Alert, Button, Paper, Stack, Textarea, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";

/**
 * A clinical note on the patient's record (POST /api/v1/clinical-events, category "note"). If the
 * session expired while the note was being written, saving asks for the password and then saves
 * the same text (api/client.ts), so nothing typed is lost.
 */
export function NoteForm({ patientId, onSaved }: { patientId: string; onSaved: () => void }) {
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useTranslation();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      await api.post("/api/v1/clinical-events", {
        patientId,
        occurredAt: new Date().toISOString(),
        category: "note",
        title,
        text: text || null,
      });
      setSaved(title);
      setTitle("");
      setText("");
      onSaved();
    } catch (err) {
      setError([problemMessage(err), ...problemErrors(err).map((i) => i.message)].join(" "));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="note-title">
      <Title order={2} size="h4" id="note-title" mb="xs">
        {t("patientScreens.note.title")}
      </Title>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <TextInput
            label={t("patientScreens.note.noteTitle")}
            required
            maxLength={300}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
          <Textarea
            label={t("patientScreens.note.text")}
            autosize
            minRows={2}
            maxLength={10000}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          {saved && (
            <Alert color="green" role="status">
              {t("patientScreens.note.saved", { title: saved })}
            </Alert>
          )}
          <Button type="submit" loading={busy} style={{ alignSelf: "flex-start" }}>
            {t("patientScreens.note.save")}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
