/**
 * The vein-to-vein board: every product unit of the site (collections and bags), its state and
 * how long it has been on its way since apheresis, with a link to its custody log, release
 * results and the bedside check.
 */
import {
  Anchor,
  Group,
  NativeSelect,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import { useApi } from "../../api/useApi.ts";
import { useSession } from "../../auth/session.tsx";
import { Status } from "../../ui/Status.tsx";
import { ProductStateBadge } from "./ProductState.tsx";
import type { ProductBoard } from "./types.ts";

export function BoardPage() {
  const { site } = useSession();
  const [scope, setScope] = useState<"open" | "all">("open");
  const [state, setState] = useState("");
  const [find, setFind] = useState("");
  const board = useApi(
    () => api.get<ProductBoard>("/api/v1/product-board", { siteId: site?.id, scope }),
    [site?.id, scope],
  );

  return (
    <Stack>
      <Title order={1}>Vein-to-vein board — {site?.code}</Title>
      <Status loaded={board}>
        {({ items, today }) => {
          const states = [...new Set(items.map((i) => i.state))].sort();
          const q = find.trim().toLowerCase();
          const shown = items.filter(
            (i) =>
              (!state || i.state === state) &&
              (!q || i.subjectCode.toLowerCase().includes(q) || i.din.toLowerCase().includes(q)),
          );
          return (
            <>
              <Group align="end" wrap="wrap">
                <SegmentedControl
                  aria-label="Which products"
                  size="md"
                  value={scope}
                  onChange={(v) => setScope(v as "open" | "all")}
                  data={[
                    { value: "open", label: "On their way" },
                    { value: "all", label: "All, with finished" },
                  ]}
                />
                <NativeSelect
                  label="State"
                  size="md"
                  value={state}
                  onChange={(e) => setState(e.currentTarget.value)}
                  data={[{ value: "", label: "Any state" }, ...states.map((s) => ({ value: s, label: s }))]}
                />
                <TextInput
                  label="Subject code or DIN"
                  size="md"
                  value={find}
                  onChange={(e) => setFind(e.currentTarget.value)}
                />
              </Group>
              <Table striped highlightOnHover captionSide="top" verticalSpacing="sm">
                <Table.Caption>
                  {shown.length} of {items.length} product units · today {today} at {site?.code}
                </Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Subject</Table.Th>
                    <Table.Th scope="col">Unit</Table.Th>
                    <Table.Th scope="col">DIN</Table.Th>
                    <Table.Th scope="col">State</Table.Th>
                    <Table.Th scope="col">Journey</Table.Th>
                    <Table.Th scope="col">Days since apheresis</Table.Th>
                    <Table.Th scope="col">Days in state</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((u) => (
                    <Table.Tr key={u.id}>
                      <Table.Td>{u.subjectCode}</Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/board/${u.id}`}>
                          {u.kind === "apheresis" ? "Apheresis collection" : "Final product"} {u.productCode}
                        </Anchor>
                      </Table.Td>
                      <Table.Td ff="monospace">
                        {u.din} <span title="check character">[{u.dinCheckCharacter}]</span>
                      </Table.Td>
                      <Table.Td>
                        <ProductStateBadge state={u.state} />
                      </Table.Td>
                      <Table.Td>{u.journeyState}</Table.Td>
                      <Table.Td>{u.daysSinceCollection ?? "—"}</Table.Td>
                      <Table.Td>{u.daysInState}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {shown.length === 0 && <Text c="dimmed">No product units match.</Text>}
            </>
          );
        }}
      </Status>
    </Stack>
  );
}
