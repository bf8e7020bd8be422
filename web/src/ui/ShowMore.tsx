import { Button, Text } from "@mantine/core";
import type { Pages } from "../api/usePages.ts";

/** The "Show N more" button under a paged list, and what went wrong asking for more. */
export function ShowMore({ pages, count }: { pages: Pages<unknown>; count: number }) {
  return (
    <>
      {pages.moreError && (
        <Text c="red.8" role="alert">
          {pages.moreError.message}
        </Text>
      )}
      {pages.showMore && (
        <Button variant="light" size="md" loading={pages.loadingMore} onClick={pages.showMore}>
          Show {count} more
        </Button>
      )}
    </>
  );
}
