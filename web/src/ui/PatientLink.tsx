import { Anchor } from "@mantine/core";
import { Link } from "react-router";

export function PatientLink({ id, code }: { id: string; code: string }) {
  return (
    <Anchor component={Link} to={`/patients/${id}`} fw={600}>
      {code}
    </Anchor>
  );
}
