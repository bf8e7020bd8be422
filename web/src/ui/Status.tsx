import { Alert, Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import type { Loaded } from "../api/useApi.ts";

/** Loading spinner, error message, or the content once the data is there. */
export function Status<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.error)
    return (
      <Alert color="red" role="alert" title="Could not load">
        {loaded.error.message}
      </Alert>
    );
  if (loaded.data === undefined)
    return (
      <Center p="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  return <>{children(loaded.data)}</>;
}
