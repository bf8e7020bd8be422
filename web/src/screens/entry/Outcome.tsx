import { Alert } from "@mantine/core";

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
  if (done)
    return (
      <Alert color="green" role="status" title="Saved">
        {done}
      </Alert>
    );
  if (failure)
    return (
      <Alert color="red" role="alert" title="Not saved">
        {failure}
        {errors && Object.keys(errors).length > 0 && (
          <ul>
            {Object.entries(errors).map(([path, message]) => (
              <li key={path}>
                {path || "form"}: {message}
              </li>
            ))}
          </ul>
        )}
      </Alert>
    );
  return null;
}
