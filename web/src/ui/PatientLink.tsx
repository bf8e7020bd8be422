/** A patient's subject code linking to her page; never broken across lines ("SZ-" / "0019"). */
import { Anchor } from "@mantine/core";
import { Link } from "react-router";

export function PatientLink({ id, code }: { id: string; code: string }) {
  return (
    <Anchor component={Link} to={`/patients/${id}`} fw={600} style={{ whiteSpace: "nowrap" }}>
      {code}
    </Anchor>
  );
}
