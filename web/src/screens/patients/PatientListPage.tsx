/**
 * The patient list and search: by part of the subject code, study, disease and journey stage, over
 * every site the user may read (or one), searched and paged by the server (GET /api/v1/patients).
 */
import { Anchor, Badge, Button, Grid, Group, Select, Stack, Table, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api, getAll, type Page } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type { components } from "../../api/schema.d.ts";
import type { Study } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { usePages } from "../../api/usePages.ts";
import { useSession } from "../../auth/session.tsx";
import { en } from "../../i18n/en.ts";
import { ShowMore } from "../../ui/ShowMore.tsx";
import { Status } from "../../ui/Status.tsx";

type PatientListItem = components["schemas"]["PatientListItem"];
type Disease = NonNullable<PatientListItem["disease"]>;

const PAGE = 50;
const DISEASES = ["lymphoma", "myeloma", "sle"] as const;
// The catalogue lists every journey state the server knows, so it is the list to pick from.
const STAGES = Object.keys(en.journeyState);

interface Filters {
  code: string;
  studyId: string | null;
  disease: string | null;
  stage: string | null;
  siteId: string | null;
}
const NO_FILTERS: Filters = { code: "", studyId: null, disease: null, stage: null, siteId: null };

export function PatientListPage() {
  const { site, sites, hasRole } = useSession();
  const { t } = useTranslation();
  const [form, setForm] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const studies = useApi(() => getAll<Study>("/api/v1/studies"), []);
  const list = usePages<PatientListItem, Page<PatientListItem>>(
    (cursor) =>
      api.get<Page<PatientListItem>>("/api/v1/patients", {
        subjectCodeContains: applied.code.trim() || undefined,
        studyId: applied.studyId ?? undefined,
        disease: applied.disease ?? undefined,
        stage: applied.stage ?? undefined,
        siteId: applied.siteId ?? undefined,
        limit: PAGE,
        cursor,
      }),
    [applied],
  );
  const mayRegister = site ? hasRole(site.id, "investigator", "coordinator") : false;
  const set = (k: keyof Filters) => (v: string | null) => setForm((f) => ({ ...f, [k]: v }));
  const any = { value: "", label: t("patientSearch.any") };
  const pick = (v: string | null) => (v ? v : null);
  const diseaseName = (d: Disease) => t(`patientSearch.diseaseName.${d}`);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t("patients.title")}</Title>
        {mayRegister && (
          <Button component={Link} to="/patients/new" size="md">
            {t("patientSearch.register")}
          </Button>
        )}
      </Group>
      <form
        aria-label={t("patientSearch.title")}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(form);
        }}
      >
        <Grid align="flex-end">
          <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
            <TextInput
              label={t("patientSearch.code")}
              value={form.code}
              onChange={(e) => set("code")(e.currentTarget.value)}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
            <Select
              label={t("patientSearch.study")}
              data={[any, ...(studies.data ?? []).map((s) => ({ value: s.id, label: s.shortName }))]}
              value={form.studyId ?? ""}
              onChange={(v) => set("studyId")(pick(v))}
              allowDeselect={false}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
            <Select
              label={t("patientSearch.disease")}
              data={[any, ...DISEASES.map((d) => ({ value: d, label: diseaseName(d) }))]}
              value={form.disease ?? ""}
              onChange={(v) => set("disease")(pick(v))}
              allowDeselect={false}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
            <Select
              label={t("patientSearch.stage")}
              data={[any, ...STAGES.map((s) => ({ value: s, label: lookup(`journeyState.${s}`) ?? s }))]}
              value={form.stage ?? ""}
              onChange={(v) => set("stage")(pick(v))}
              allowDeselect={false}
            />
          </Grid.Col>
          {sites.length > 1 && (
            <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
              <Select
                label={t("patientSearch.site")}
                data={[
                  { value: "", label: t("patientSearch.allSites") },
                  ...sites.map((s) => ({ value: s.id, label: s.code })),
                ]}
                value={form.siteId ?? ""}
                onChange={(v) => set("siteId")(pick(v))}
                allowDeselect={false}
              />
            </Grid.Col>
          )}
          <Grid.Col span={{ base: 12, sm: 6, md: 2 }}>
            <Button type="submit" size="sm">
              {t("patientSearch.search")}
            </Button>
          </Grid.Col>
        </Grid>
      </form>
      <Status loaded={list}>
        {(page) =>
          page.items.length === 0 ? (
            <p>{t("patientSearch.none")}</p>
          ) : (
            <>
              <Table.ScrollContainer minWidth={560}>
                <Table striped highlightOnHover captionSide="top">
                  <Table.Caption>{t("patientSearch.caption", { count: page.items.length })}</Table.Caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t("patients.subjectCode")}</Table.Th>
                      <Table.Th scope="col">{t("patientSearch.columnSite")}</Table.Th>
                      <Table.Th scope="col">{t("patientSearch.columnStudy")}</Table.Th>
                      <Table.Th scope="col">{t("patientSearch.columnDisease")}</Table.Th>
                      <Table.Th scope="col">{t("patientSearch.columnStage")}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {page.items.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>
                          <Group gap="xs">
                            <Anchor component={Link} to={`/patients/${p.id}`}>
                              {p.subjectCode}
                            </Anchor>
                            {p.isSynthetic && (
                              <Badge size="xs" variant="outline" color="gray">
                                {t("common.synthetic")}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>{p.siteCode}</Table.Td>
                        <Table.Td>{p.studies.map((s) => s.shortName).join(", ") || "—"}</Table.Td>
                        <Table.Td>{p.disease ? diseaseName(p.disease) : "—"}</Table.Td>
                        <Table.Td>
                          {p.journeyStages.map((s) => lookup(`journeyState.${s}`) ?? s).join(", ") || "—"}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <ShowMore pages={list} count={PAGE} />
            </>
          )
        }
      </Status>
    </Stack>
  );
}
