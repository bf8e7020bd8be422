import { Title } from "@mantine/core";
import { useSession } from "../../auth/session.tsx";

export function DashboardPage() {
  const { site } = useSession();
  return <Title order={1}>Program dashboard — {site?.code}</Title>;
}
