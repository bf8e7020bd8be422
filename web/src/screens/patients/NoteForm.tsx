import { Alert, Button, Paper, Stack, Textarea, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, api } from "../../api/client.ts";

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
      setError(
        err instanceof ApiError
          ? [err.message, ...(err.problem.errors ?? []).map((i) => `${i.pointer}: ${i.detail}`)].join(" ")
          : String(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="note-title">
      <Title order={2} size="h4" id="note-title" mb="xs">
        Add a note
      </Title>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <TextInput
            label="Title"
            required
            maxLength={300}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
          />
          <Textarea
            label="Note"
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
              Saved: {saved}
            </Alert>
          )}
          <Button type="submit" loading={busy} style={{ alignSelf: "flex-start" }}>
            Save note
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
