/** Sending a form: busy flag, the server's field errors by JSON Pointer, and a success message. */
import { useState } from "react";
import { problemErrors, problemMessage } from "../../api/problem-errors.ts";

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(send: () => Promise<string>) {
    setBusy(true);
    setErrors({});
    setFailure(null);
    setDone(null);
    try {
      setDone(await send());
    } catch (e) {
      setErrors(Object.fromEntries(problemErrors(e).map((i) => [i.path, i.message])));
      setFailure(problemMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, errors, failure, done, run };
}
