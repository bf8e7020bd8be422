import { Button, Group, Paper, Select, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError, api } from "../../api/client.ts";
import { problemErrors } from "../../api/problem-errors.ts";
import { useApi } from "../../api/useApi.ts";

interface SavedCohort {
  id: string;
  name: string;
  query: string;
  createdBy: string;
}

/**
 * The department's saved cohorts: pick one to open its link, or save the cohort on screen under a
 * name. The server checks the query and stores it in canonical form (GET/POST /api/v1/cohorts).
 */
export function SavedCohorts() {
  const [params, setParams] = useSearchParams();
  const saved = useApi(() => api.get<{ items: SavedCohort[] }>("/api/v1/cohorts"), []);
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const current = params.toString();
  const selected = saved.data?.items.find((c) => c.query === current)?.id ?? null;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      await api.post("/api/v1/cohorts", { name, query: current });
      setName("");
      saved.reload();
    } catch (err) {
      const fields = problemErrors(err).map((i) => `${i.path}: ${i.message}`);
      setProblem(err instanceof ApiError ? [err.message, ...fields].join(" ") : String(err));
    }
  };

  return (
    <Paper withBorder p="md" mb="md" component="form" onSubmit={save} aria-label="Saved cohorts">
      <Group align="end" gap="sm" wrap="wrap">
        <Select
          label="Saved cohort"
          placeholder={saved.data?.items.length ? "choose one" : "none saved yet"}
          data={(saved.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.createdBy})` }))}
          value={selected}
          onChange={(id) => {
            const c = saved.data?.items.find((x) => x.id === id);
            if (c) setParams(new URLSearchParams(c.query));
          }}
          w={320}
        />
        <TextInput
          label="Save this cohort as"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          w={260}
        />
        <Button type="submit" variant="default" disabled={name.trim() === ""}>
          Save
        </Button>
      </Group>
      {problem && (
        <Text c="red.9" size="sm" mt="xs" role="alert">
          {problem}
        </Text>
      )}
    </Paper>
  );
}
