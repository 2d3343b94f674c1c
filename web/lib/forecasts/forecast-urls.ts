import { withQuery } from '../api/client.ts';

export const PAGE_SIZE = 25;

/**
 * The URL of a page of series, ranked by stock-out risk. The first page without filters is
 * what the page shell preloads (lib/page-preloads.ts), so it must be built here only.
 */
export function seriesPageUrl(filters: { locationId?: string; sku?: string; cursor?: string | undefined } = {}): string {
  return withQuery('/api/forecasts', { sort: 'risk', limit: PAGE_SIZE, locationId: filters.locationId, sku: filters.sku?.trim(), cursor: filters.cursor });
}
