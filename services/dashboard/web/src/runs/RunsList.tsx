import type { InfiniteData, UseInfiniteQueryResult } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { Schemas } from "../api/client";
import type { Units } from "../format/units";
import { ErrorState, Loading } from "../ui/States";
import { NoRuns } from "./NoRuns";
import { RunsTable } from "./RunsTable";

type RunsQuery = UseInfiniteQueryResult<InfiniteData<Schemas["RunList"]>>;

/** The runs list in each of its states: loading, failed, empty, a page or more. */
export function RunsList({ query, units, timeZone, filtered, paged = true }: {
  query: RunsQuery;
  units: Units;
  timeZone: string;
  filtered: boolean;
  /** Offer "load more" and the count (the home page shows only the first few). */
  paged?: boolean;
}) {
  const { t } = useTranslation();
  if (query.isPending) return <Loading label={t("runs.loading")} />;
  // A failed "load more" keeps the pages already shown, its error below them.
  if (query.isError && !query.isFetchNextPageError)
    return <ErrorState error={query.error} retry={() => query.refetch()} />;
  const runs = query.data.pages.flatMap((page) => page.items);
  // The first page tells the total; later pages, asked for by cursor, do not.
  const total = query.data.pages[0]?.total;
  if (runs.length === 0) return <NoRuns filtered={filtered} />;
  return (
    <>
      <RunsTable runs={runs} units={units} timeZone={timeZone} />
      {paged && (
        <p className="muted" aria-live="polite">
          {total != null && total > runs.length
            ? t("runs.shownOfTotal", { shown: runs.length, total })
            : t("runs.shown", { count: runs.length })}
        </p>
      )}
      {paged && query.hasNextPage && (
        <button
          type="button"
          className="button secondary"
          onClick={() => query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? t("runs.loadingMore") : t("runs.loadMore")}
        </button>
      )}
      {query.isFetchNextPageError && <ErrorState error={query.error} />}
    </>
  );
}
