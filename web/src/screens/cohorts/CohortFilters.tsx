import { Button, Group, MultiSelect, Paper, Select, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useState } from "react";
import { useSearchParams } from "react-router";
import { useSession } from "../../auth/session.tsx";

/**
 * The cohort definition, edited in the page's address: applying writes the query string, which
 * the page reads and sends to the API as it is, so the link is the cohort. The server checks it;
 * a bad value comes back as a problem the page shows.
 */
const INDICATIONS = [
  { value: "lymphoma", label: "B-cell lymphoma" },
  { value: "myeloma", label: "Multiple myeloma" },
  { value: "sle", label: "Lupus" },
  { value: "overlap", label: "Lupus with lymphoma" },
];
const GROUPINGS = [
  { value: "indication", label: "Indication" },
  { value: "doseLevel", label: "Dose level" },
  { value: "arm", label: "Study arm" },
  { value: "site", label: "Site" },
  { value: "product", label: "Product" },
  { value: "none", label: "No groups" },
];
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
    <Paper withBorder p="md" mb="md" component="form" onSubmit={apply} aria-label="Cohort definition">
      <Group align="end" gap="sm" wrap="wrap">
        <MultiSelect
          label="Indication"
          data={INDICATIONS}
          value={form.indication}
          onChange={(indication) => setForm({ ...form, indication })}
          placeholder={form.indication.length ? undefined : "all"}
          w={260}
          clearable
        />
        <MultiSelect
          label="Site"
          data={sites.map((s) => ({ value: s.code, label: s.code }))}
          value={form.site}
          onChange={(site) => setForm({ ...form, site })}
          placeholder={form.site.length ? undefined : "all yours"}
          w={160}
        />
        <MultiSelect
          label="Dose level"
          data={[...new Set(["DL1", "DL2", "DL3", ...form.doseLevel])]}
          value={form.doseLevel}
          onChange={(doseLevel) => setForm({ ...form, doseLevel })}
          placeholder={form.doseLevel.length ? undefined : "all"}
          w={160}
        />
        <TextInput
          type="date"
          label="Infused from"
          value={form.infusedFrom}
          onChange={(e) => setForm({ ...form, infusedFrom: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label="Infused to"
          value={form.infusedTo}
          onChange={(e) => setForm({ ...form, infusedTo: e.currentTarget.value })}
        />
        <TextInput
          type="date"
          label="Data cut"
          value={form.asOf}
          onChange={(e) => setForm({ ...form, asOf: e.currentTarget.value })}
        />
        <Select
          label="Split by"
          data={GROUPINGS}
          value={form.groupBy}
          onChange={(groupBy) => setForm({ ...form, groupBy: groupBy ?? "indication" })}
          allowDeselect={false}
          w={160}
        />
        <Button type="submit">Show</Button>
      </Group>
    </Paper>
  );
}
