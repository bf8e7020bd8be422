/** A product state as a badge whose colour says whether it needs attention (text carries the meaning too). */
import { Badge } from "@mantine/core";
import { lookup } from "../../api/problem-errors.ts";

const COLOUR: Record<string, string> = {
  quarantined: "red.8",
  "out-of-specification": "orange.9",
  failed: "red.9",
  discarded: "gray.7",
  returned: "gray.7",
  administered: "green.9",
  released: "teal.9",
  thawed: "grape.9",
  "stored-at-site": "blue.9",
};

export function ProductStateBadge({ state, testId }: { state: string; testId?: string }) {
  return (
    <Badge color={COLOUR[state] ?? "indigo.8"} variant="filled" radius="sm" data-testid={testId}>
      {lookup(`productState.${state}`) ?? state.replaceAll("-", " ")}
    </Badge>
  );
}
