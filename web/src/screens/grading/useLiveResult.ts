/**
 * The grade as the user types: the inputs are sent to POST /api/v1/calculators/{name} (which
 * stores nothing) after a short pause, and only the answer to the latest inputs is kept.
 */
import { useEffect, useRef, useState } from "react";
import { ApiError, api } from "../../api/client.ts";
import type { FieldIssue } from "../../api/problem-errors.ts";
import { problemErrors } from "../../api/problem-errors.ts";
import type { CalculatorResult } from "./types.ts";

export interface LiveResult {
  result: CalculatorResult | null;
  /** what the calculator still needs or finds contradictory, by JSON Pointer */
  issues: FieldIssue[];
  pending: boolean;
  failure: string | null;
}

const PAUSE_MS = 350;

export function useLiveResult(calculator: string, inputs: unknown): LiveResult {
  const [state, setState] = useState<LiveResult>({ result: null, issues: [], pending: false, failure: null });
  const latest = useRef(0);
  const body = JSON.stringify(inputs ?? {});
  useEffect(() => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      api.post<CalculatorResult>(`/api/v1/calculators/${calculator}`, JSON.parse(body)).then(
        (result) => {
          if (ticket === latest.current) setState({ result, issues: [], pending: false, failure: null });
        },
        (e: unknown) => {
          if (ticket !== latest.current) return;
          if (e instanceof ApiError && (e.status === 400 || e.status === 422))
            setState({ result: null, issues: problemErrors(e), pending: false, failure: null });
          else setState({ result: null, issues: [], pending: false, failure: (e as Error).message });
        },
      );
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [calculator, body]);
  return state;
}
