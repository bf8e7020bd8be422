import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

export function NotFound() {
  return (
    <Stack>
      <Title order={1}>Not found</Title>
      <Text>
        There is no screen here.{" "}
        <Anchor component={Link} to="/">
          Back to the dashboard
        </Anchor>
      </Text>
    </Stack>
  );
}
