import { Anchor, Badge, Group, Table, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { getAll } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import type { Patient } from "../../api/types.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";

export function PatientListPage() {
  const { site } = useSession();
  const { t } = useTranslation();
  const [filter, setFilter] = useState("");
  const patients = useApi(() => getAll<Patient>("/api/v1/patients", { siteId: site?.id }), [site?.id]);

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1}>{t("patients.title")}</Title>
        <TextInput
          label={t("patients.find")}
          placeholder="SZ-0001"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
        />
      </Group>
      <Status loaded={patients}>
        {(list) => (
          <Table striped highlightOnHover captionSide="top">
            <Table.Caption>{t("patients.caption", { count: list.length, site: site?.code })}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("patients.subjectCode")}</Table.Th>
                <Table.Th scope="col">{t("patients.birthYear")}</Table.Th>
                <Table.Th scope="col">{t("patients.sex")}</Table.Th>
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
                            {t("common.synthetic")}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{p.birthYear ?? "—"}</Table.Td>
                    <Table.Td>{p.sex ? (lookup(`sex.${p.sex}`) ?? p.sex) : "—"}</Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        )}
      </Status>
    </>
  );
}
