import { Button, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { problemMessage } from "../api/problem-errors.ts";
import type { Pages } from "../api/usePages.ts";

/** The "Show N more" button under a paged list, and what went wrong asking for more. */
export function ShowMore({ pages, count }: { pages: Pages<unknown>; count: number }) {
  const { t } = useTranslation();
  return (
    <>
      {pages.moreError && (
        <Text c="red.8" role="alert">
          {problemMessage(pages.moreError)}
        </Text>
      )}
      {pages.showMore && (
        <Button variant="light" size="md" loading={pages.loadingMore} onClick={pages.showMore}>
          {t("common.showMore", { count })}
        </Button>
      )}
    </>
  );
}
