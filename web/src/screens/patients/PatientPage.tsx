import { Title } from "@mantine/core";
import { useParams } from "react-router";
import { api } from "../../api/client.ts";
import type { Patient } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { Status } from "../../ui/Status.tsx";

export function PatientPage() {
  const { patientId = "" } = useParams();
  const patient = useApi(() => api.get<Patient>(`/api/v1/patients/${patientId}`), [patientId]);
  return <Status loaded={patient}>{(p) => <Title order={1}>{p.subjectCode}</Title>}</Status>;
}
