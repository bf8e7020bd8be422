import { Button, Group, Paper, Select, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";
import type { SavedCohort } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";

/**
 * The department's saved cohorts: pick one to open its link, or save the cohort on screen under a
 * name. The server checks the query and stores it in canonical form (GET/POST /api/v1/cohorts).
 */
export function SavedCohorts() {
  const [params, setParams] = useSearchParams();
  const { t } = useTranslation();
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
      setProblem([problemMessage(err), ...problemErrors(err).map((i) => i.message)].join(" "));
    }
  };

  return (
    <Paper withBorder p="md" mb="md" component="form" onSubmit={save} aria-label={t("cohort.saved.label")}>
      <Group align="end" gap="sm" wrap="wrap">
        <Select
          label={t("cohort.saved.pick")}
          placeholder={saved.data?.items.length ? t("cohort.saved.choose") : t("cohort.saved.noneYet")}
          data={(saved.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.createdBy})` }))}
          value={selected}
          onChange={(id) => {
            const c = saved.data?.items.find((x) => x.id === id);
            if (c) setParams(new URLSearchParams(c.query));
          }}
          w={320}
        />
        <TextInput
          label={t("cohort.saved.saveAs")}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          w={260}
        />
        <Button type="submit" variant="default" disabled={name.trim() === ""}>
          {t("cohort.saved.save")}
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
