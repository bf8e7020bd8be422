import { Alert, Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { problemErrors, problemMessage } from "../api/problem-errors.ts";
import type { Loaded } from "../api/useApi.ts";

/**
 * Loading spinner, error message, or the content once the data is there. A refused request lists
 * what the server said was wrong, field by field (a bad filter in a shared link, say).
 */
export function Status<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (loaded.error) {
    const issues = problemErrors(loaded.error);
    return (
      <Alert color="red" role="alert" title={t("common.couldNotLoad")}>
        {problemMessage(loaded.error)}
        {issues.length > 0 && (
          <ul>
            {issues.map((i) => (
              <li key={`${i.path} ${i.message}`}>
                {i.path.replace(/^query:\//, "")}: {i.message}
              </li>
            ))}
          </ul>
        )}
      </Alert>
    );
  }
  if (loaded.data === undefined)
    return (
      <Center p="xl">
        <Loader aria-label={t("common.loading")} />
      </Center>
    );
  return <>{children(loaded.data)}</>;
}
