import { Table } from "@mantine/core";

/** A table's header row of column names, each a column header for screen readers (scope="col"). */
export function ColumnHeads({ names }: { names: readonly string[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {names.map((h) => (
          <Table.Th scope="col" key={h}>
            {h}
          </Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}
