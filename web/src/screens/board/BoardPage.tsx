/**
 * The vein-to-vein board: the site's product units (collections and bags), newest first a page at
 * a time and filtered by the server, each with its state and how long it has been on its way since
 * apheresis, with a link to its custody log, release results and the bedside check.
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
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import { usePages } from "../../api/usePages.ts";
import { useSession } from "../../auth/session.tsx";
import { ShowMore } from "../../ui/ShowMore.tsx";
import { Status } from "../../ui/Status.tsx";
import { ProductStateBadge } from "./ProductState.tsx";
import type { BoardUnit, ProductBoard } from "./types.ts";

const PAGE = 100;

export function BoardPage() {
  const { site } = useSession();
  const [scope, setScope] = useState<"open" | "all">("open");
  const [state, setState] = useState("");
  const [find, setFind] = useState("");
  // The server filters (the board is paged); typing waits for a pause before asking.
  const [findApplied] = useDebouncedValue(find.trim(), 300);
  const board = usePages<BoardUnit, ProductBoard>(
    (cursor) =>
      api.get<ProductBoard>("/api/v1/product-board", {
        siteId: site?.id,
        scope,
        state: state || undefined,
        find: findApplied || undefined,
        limit: PAGE,
        cursor,
      }),
    [site?.id, scope, state, findApplied],
  );

  return (
    <Stack>
      <Title order={1}>Vein-to-vein board — {site?.code}</Title>
      <Status loaded={board}>
        {({ items, today, states, nextCursor }) => (
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
                {items.length} product units{nextCursor ? " shown, more below" : ""} · today {today} at{" "}
                {site?.code}
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
                {items.map((u) => (
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
            {items.length === 0 && <Text c="dimmed">No product units match.</Text>}
            <ShowMore pages={board} count={PAGE} />
          </>
        )}
      </Status>
    </Stack>
  );
}
