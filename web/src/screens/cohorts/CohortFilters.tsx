import { Button, Group, MultiSelect, Paper, Select, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useSession } from "../../auth/session.tsx";

/**
 * The cohort definition, edited in the page's address: applying writes the query string, which
 * the page reads and sends to the API as it is, so the link is the cohort. The server checks it;
 * a bad value comes back as a problem the page shows.
 */
const INDICATIONS = ["lymphoma", "myeloma", "sle", "overlap"] as const;
const GROUPINGS = ["indication", "doseLevel", "arm", "site", "product", "none"] as const;
const LISTS = ["indication", "site", "doseLevel"] as const;
const DATES = ["infusedFrom", "infusedTo", "asOf"] as const;

type Form = Record<(typeof LISTS)[number], string[]> &
  Record<(typeof DATES)[number], string> & { groupBy: string };

function fromParams(p: URLSearchParams): Form {
  const list = (k: string) => (p.get(k) ?? "").split(",").filter((v) => v !== "");
  return {
    indication: list("indication"),
    site: list("site"),
    doseLevel: list("doseLevel"),
    infusedFrom: p.get("infusedFrom") ?? "",
    infusedTo: p.get("infusedTo") ?? "",
    asOf: p.get("asOf") ?? "",
    groupBy: p.get("groupBy") ?? "indication",
  };
}

export function CohortFilters() {
  const [params, setParams] = useSearchParams();
  const { sites } = useSession();
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(() => fromParams(params));
  useEffect(() => setForm(fromParams(params)), [params]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    // Keep what this form does not edit (study, arm, target, format) as the link had it.
    for (const [k, v] of params)
      if (
        !(LISTS as readonly string[]).includes(k) &&
        !(DATES as readonly string[]).includes(k) &&
        k !== "groupBy"
      )
        next.set(k, v);
    for (const k of LISTS) if (form[k].length > 0) next.set(k, form[k].join(","));
    for (const k of DATES) if (form[k]) next.set(k, form[k]);
    if (form.groupBy !== "indication") next.set("groupBy", form.groupBy);
    setParams(next);
  };

  return (
    <Paper
      withBorder
      p="md"
      mb="md"
      component="form"
      onSubmit={apply}
      aria-label={t("cohort.definition.label")}
    >
      <Group align="end" gap="sm" wrap="wrap">
        <MultiSelect
          label={t("cohort.definition.indication")}
          data={INDICATIONS.map((value) => ({ value, label: t(`cohort.indications.${value}`) }))}
          value={form.indication}
          onChange={(indication) => setForm({ ...form, indication })}
          placeholder={form.indication.length ? undefined : t("cohort.definition.all")}
          w={260}
          clearable
        />
        <MultiSelect
          label={t("cohort.definition.site")}
          data={sites.map((s) => ({ value: s.code, label: s.code }))}
          value={form.site}
          onChange={(site) => setForm({ ...form, site })}
          placeholder={form.site.length ? undefined : t("cohort.definition.allYours")}
          w={160}
        />
        <MultiSelect
          label={t("cohort.definition.doseLevel")}
          data={[...new Set(["DL1", "DL2", "DL3", ...form.doseLevel])]}
          value={form.doseLevel}
          onChange={(doseLevel) => setForm({ ...form, doseLevel })}
          placeholder={form.doseLevel.length ? undefined : t("cohort.definition.all")}
          w={160}
        />
        <TextInput
          type="date"
          label={t("cohort.definition.infusedFrom")}
          value={form.infusedFrom}
          onChange={(e) => setForm({ ...form, infusedFrom: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label={t("cohort.definition.infusedTo")}
          value={form.infusedTo}
          onChange={(e) => setForm({ ...form, infusedTo: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label={t("cohort.definition.dataCut")}
          value={form.asOf}
          onChange={(e) => setForm({ ...form, asOf: e.currentTarget.value })}
        />
        <Select
          label={t("cohort.definition.splitBy")}
          data={GROUPINGS.map((value) => ({ value, label: t(`cohort.groupings.${value}`) }))}
          value={form.groupBy}
          onChange={(groupBy) => setForm({ ...form, groupBy: groupBy ?? "indication" })}
          allowDeselect={false}
          w={160}
        />
        <Button type="submit">{t("cohort.definition.show")}</Button>
      </Group>
    </Paper>
  );
}
