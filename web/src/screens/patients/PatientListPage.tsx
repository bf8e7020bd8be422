import { Anchor, Badge, Group, Table, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { getAll } from "../../api/client.ts";
import type { Patient } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";

export function PatientListPage() {
  const { site } = useSession();
  const [filter, setFilter] = useState("");
  const patients = useApi(() => getAll<Patient>("/api/v1/patients", { siteId: site?.id }), [site?.id]);

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>Patients</Title>
        <TextInput
          label="Find by subject code"
          placeholder="SZ-0001"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
        />
      </Group>
      <Status loaded={patients}>
        {(list) => (
          <Table striped highlightOnHover captionSide="top">
            <Table.Caption>
              {list.length} patients at {site?.code}
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Subject code</Table.Th>
                <Table.Th scope="col">Birth year</Table.Th>
                <Table.Th scope="col">Sex</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list
                .filter((p) => p.subjectCode.toLowerCase().includes(filter.trim().toLowerCase()))
                .map((p) => (
                  <Table.Tr key={p.id}>
                    <Table.Td>
                      <Group gap="xs">
                        <Anchor component={Link} to={`/patients/${p.id}`}>
                          {p.subjectCode}
                        </Anchor>
                        {p.isSynthetic && (
                          <Badge size="xs" variant="outline" color="gray">
                            synthetic
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{p.birthYear ?? "—"}</Table.Td>
                    <Table.Td>{p.sex ?? "—"}</Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        )}
      </Status>
    </>
  );
}
