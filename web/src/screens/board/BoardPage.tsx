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
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client.ts";
import { lookup } from "../../api/problem-errors.ts";
import { usePages } from "../../api/usePages.ts";
import { useSession } from "../../auth/session.tsx";
import { ShowMore } from "../../ui/ShowMore.tsx";
import { Status } from "../../ui/Status.tsx";
import { ProductStateBadge } from "./ProductState.tsx";
import type { BoardUnit, ProductBoard } from "./types.ts";

const PAGE = 100;

export function BoardPage() {
  const { site } = useSession();
  const { t } = useTranslation();
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
      <Title order={1}>{t("board.title", { site: site?.code ?? "" })}</Title>
      <Status loaded={board}>
        {({ items, today, states, nextCursor }) => (
          <>
            <Group align="end" wrap="wrap">
              <SegmentedControl
                aria-label={t("board.which")}
                size="md"
                value={scope}
                onChange={(v) => setScope(v as "open" | "all")}
                data={[
                  { value: "open", label: t("board.open") },
                  { value: "all", label: t("board.all") },
                ]}
              />
              <NativeSelect
                label={t("board.state")}
                size="md"
                value={state}
                onChange={(e) => setState(e.currentTarget.value)}
                data={[
                  { value: "", label: t("board.anyState") },
                  ...states.map((s) => ({ value: s, label: lookup(`productState.${s}`) ?? s })),
                ]}
              />
              <TextInput
                label={t("board.find")}
                size="md"
                value={find}
                onChange={(e) => setFind(e.currentTarget.value)}
              />
            </Group>
            <Table striped highlightOnHover captionSide="top" verticalSpacing="sm">
              <Table.Caption>
                {t(nextCursor ? "board.captionMore" : "board.caption", {
                  count: items.length,
                  today,
                  site: site?.code ?? "",
                })}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("board.subject")}</Table.Th>
                  <Table.Th scope="col">{t("board.unit")}</Table.Th>
                  <Table.Th scope="col">{t("board.din")}</Table.Th>
                  <Table.Th scope="col">{t("board.state")}</Table.Th>
                  <Table.Th scope="col">{t("board.journey")}</Table.Th>
                  <Table.Th scope="col">{t("board.daysSinceApheresis")}</Table.Th>
                  <Table.Th scope="col">{t("board.daysInState")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((u) => (
                  <Table.Tr key={u.id}>
                    <Table.Td>{u.subjectCode}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/board/${u.id}`}>
                        {t(u.kind === "apheresis" ? "board.apheresis" : "board.finalProduct", {
                          code: u.productCode,
                        })}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ff="monospace">
                      {u.din} <span title={t("board.checkCharacter")}>[{u.dinCheckCharacter}]</span>
                    </Table.Td>
                    <Table.Td>
                      <ProductStateBadge state={u.state} />
                    </Table.Td>
                    <Table.Td>{lookup(`journeyState.${u.journeyState}`) ?? u.journeyState}</Table.Td>
                    <Table.Td>{u.daysSinceCollection ?? "—"}</Table.Td>
                    <Table.Td>{u.daysInState}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {items.length === 0 && <Text c="dimmed">{t("board.noneMatch")}</Text>}
            <ShowMore pages={board} count={PAGE} />
          </>
        )}
      </Status>
    </Stack>
  );
}
