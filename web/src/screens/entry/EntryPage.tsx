/**
 * "Enter data" for one patient: an observation, a pasted table of observations, a medication, or
 * a protocol visit done or missed. The patient is chosen first; each form is its own file.
 */
import { NativeSelect, Stack, Tabs, Title } from "@mantine/core";
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

const TABS = [
  { value: "observation", label: "Observation" },
  { value: "paste", label: "Paste a table" },
  { value: "medication", label: "Medication" },
  { value: "visits", label: "Visits done / missed" },
];

export function EntryPage() {
  const { patientId = "", tab = "observation" } = useParams();
  const { site } = useSession();
  const navigate = useNavigate();
  const patients = useApi(() => getAll<Patient>("/api/v1/patients", { siteId: site?.id }), [site?.id]);

  return (
    <Stack>
      <Title order={1}>Enter data</Title>
      <Status loaded={patients}>
        {(list) => (
          <NativeSelect
            label="Patient"
            size="md"
            maw={360}
            value={patientId}
            onChange={(e) => navigate(`/entry/${e.currentTarget.value}/${tab}`)}
            data={[
              { value: "", label: "— choose a patient —" },
              ...list.map((p) => ({ value: p.id, label: p.subjectCode })),
            ]}
          />
        )}
      </Status>
      {patientId && (
        <Tabs value={tab} onChange={(v) => v && navigate(`/entry/${patientId}/${v}`)} keepMounted={false}>
          <Tabs.List>
            {TABS.map((t) => (
              <Tabs.Tab key={t.value} value={t.value} fz="md" py="md">
                {t.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="observation" pt="md">
            <ObservationForm patientId={patientId} />
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
