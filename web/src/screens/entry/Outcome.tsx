import { Alert } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** The result of sending a form: saved, or not saved and why. */
export function Outcome({
  done,
  failure,
  errors,
}: {
  done: string | null;
  failure: string | null;
  errors?: Record<string, string>;
}) {
  const { t } = useTranslation();
  if (done)
    return (
      <Alert color="green" role="status" title={t("common.saved")}>
        {done}
      </Alert>
    );
  if (failure)
    return (
      <Alert color="red" role="alert" title={t("common.notSaved")}>
        {failure}
        {errors && Object.keys(errors).length > 0 && (
          <ul>
            {Object.entries(errors).map(([path, message]) => (
              <li key={path}>{message}</li>
            ))}
          </ul>
        )}
      </Alert>
    );
  return null;
}
