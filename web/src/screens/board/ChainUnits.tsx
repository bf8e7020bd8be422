/**
 * The product units on one chain of identity (the journey's collections and the bags made from
 * them), each with its state and a link to its page; the unit being read is named, not linked.
 */
import { Anchor, Group, List, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ProductStateBadge } from "./ProductState.tsx";

export interface ChainUnit {
  id: string;
  kind: "apheresis" | "final-product";
  productCode: string;
  state: string;
  createdAt: string;
}

export function ChainUnits({ items, currentId }: { items: ChainUnit[]; currentId?: string }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  const name = (u: ChainUnit) =>
    t(u.kind === "apheresis" ? "board.apheresis" : "board.finalProduct", { code: u.productCode });
  return (
    <section aria-labelledby="chain-units">
      <Text size="sm" fw={600} id="chain-units">
        {t("productSteps.units")}
      </Text>
      <List spacing={4}>
        {items.map((u) => (
          <List.Item key={u.id}>
            <Group gap="xs">
              {u.id === currentId ? (
                <Text size="sm" aria-current="page">
                  {name(u)}
                </Text>
              ) : (
                <Anchor component={Link} to={`/board/${u.id}`}>
                  {name(u)}
                </Anchor>
              )}
              <ProductStateBadge state={u.state} />
            </Group>
          </List.Item>
        ))}
      </List>
    </section>
  );
}
