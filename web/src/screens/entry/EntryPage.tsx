/**
 * "Enter data" for one patient: an observation, a nurse's vital-signs rows, a pasted table of observations, a medication, or
 * a protocol visit done or missed. The patient is chosen first; each form is its own file.
 */
import { NativeSelect, Stack, Tabs, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { getAll } from "../../api/client.ts";
import type { Patient } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { MedicationForm } from "./MedicationForm.tsx";
import { ObservationForm } from "./ObservationForm.tsx";
import { PasteTable } from "./PasteTable.tsx";
import { VisitsPanel } from "./VisitsPanel.tsx";
import { VitalsForm } from "./VitalsForm.tsx";

const TABS = ["observation", "vitals", "paste", "medication", "visits"] as const;

export function EntryPage() {
  const { patientId = "", tab = "observation" } = useParams();
  const { site } = useSession();
  const navigate = useNavigate();
  const { t } = useTranslation();
  const patients = useApi(() => getAll<Patient>("/api/v1/patients", { siteId: site?.id }), [site?.id]);

  return (
    <Stack>
      <Title order={1}>{t("entry.title")}</Title>
      <Status loaded={patients}>
        {(list) => (
          <NativeSelect
            label={t("common.patient")}
            size="md"
            maw={360}
            value={patientId}
            onChange={(e) => navigate(`/entry/${e.currentTarget.value}/${tab}`)}
            data={[
              { value: "", label: t("grading.choosePatient") },
              ...list.map((p) => ({ value: p.id, label: p.subjectCode })),
            ]}
          />
        )}
      </Status>
      {patientId && (
        <Tabs value={tab} onChange={(v) => v && navigate(`/entry/${patientId}/${v}`)} keepMounted={false}>
          <Tabs.List>
            {TABS.map((tab) => (
              <Tabs.Tab key={tab} value={tab} fz="md" py="md">
                {t(`entry.tab.${tab}`)}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="observation" pt="md">
            <ObservationForm patientId={patientId} />
          </Tabs.Panel>
          <Tabs.Panel value="vitals" pt="md">
            <VitalsForm patientId={patientId} />
          </Tabs.Panel>
          <Tabs.Panel value="paste" pt="md">
            <PasteTable patientId={patientId} />
          </Tabs.Panel>
          <Tabs.Panel value="medication" pt="md">
            <MedicationForm patientId={patientId} />
          </Tabs.Panel>
          <Tabs.Panel value="visits" pt="md">
            <VisitsPanel patientId={patientId} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}
