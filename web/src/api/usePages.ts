import { type DependencyList, useState } from "react";
import type { Page } from "./client.ts";
import { type Loaded, useApi } from "./useApi.ts";

export interface Pages<P> extends Loaded<P> {
  /** asks for the page after what is shown; null when nothing follows */
  showMore: (() => void) | null;
  loadingMore: boolean;
  moreError: Error | undefined;
}

/**
 * A keyset-paged list (`nextCursor`): the first page loads like `useApi` whenever `deps` change,
 * and `showMore` appends the following ones. `data` is the first page's answer with every loaded
 * item and the last cursor; pages fetched for earlier deps are dropped, since they belong to the
 * first page they followed.
 */
export function usePages<T, P extends Page<T>>(
  load: (cursor: string | undefined) => Promise<P>,
  deps: DependencyList,
): Pages<P> {
  const first = useApi(() => load(undefined), deps);
  const [more, setMore] = useState<{ after: P; items: T[]; cursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | undefined>();
  const head = first.data;
  const extra = head && more?.after === head ? more : null;
  const data = head && {
    ...head,
    items: [...head.items, ...(extra?.items ?? [])],
    nextCursor: extra ? extra.cursor : head.nextCursor,
  };
  const cursor = data?.nextCursor;
  return {
    ...first,
    data,
    loadingMore,
    moreError,
    showMore:
      head && cursor
        ? () => {
            setLoadingMore(true);
            setMoreError(undefined);
            load(cursor)
              .then((page) =>
                setMore((m) => ({
                  after: head,
                  items: [...(m?.after === head ? m.items : []), ...page.items],
                  cursor: page.nextCursor,
                })),
              )
              .catch((e: unknown) => setMoreError(e instanceof Error ? e : new Error(String(e))))
              .finally(() => setLoadingMore(false));
          }
        : null,
  };
}
