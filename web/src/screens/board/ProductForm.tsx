import { Alert, Button, Grid, Stack, Title } from "@mantine/core";
import type { FormEvent, ReactNode } from "react";

/**
 * The frame every form on the product page shares: its title (which also names the form for
 * screen readers), what it means when there is something to say, its fields on a grid, the
 * server's refusal, what was recorded, and the submit button.
 */
export function ProductForm(props: {
  title: string;
  intro?: ReactNode;
  busy: boolean;
  failure: string | null;
  /** the refusal's heading: "Refused", or for a signature "Not signed" */
  refusedTitle: string;
  done?: string | null;
  submitLabel: string;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form onSubmit={submit} aria-label={props.title}>
      <Stack gap="xs">
        <Title order={3} size="h4">
          {props.title}
        </Title>
        {props.intro}
        <Grid>{props.children}</Grid>
        {props.failure && (
          <Alert color="red" role="alert" title={props.refusedTitle}>
            {props.failure}
          </Alert>
        )}
        {props.done && (
          <Alert color="green" role="status">
            {props.done}
          </Alert>
        )}
        <Button type="submit" loading={props.busy} w="fit-content">
          {props.submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
