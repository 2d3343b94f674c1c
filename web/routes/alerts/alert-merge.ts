import type { Alert } from '../../lib/api/types.ts';
import { matchesFilters, streamHolds, type AlertFilters } from './alert-filters.ts';

/**
 * One state's pages as read so far: every item fetched (newest first) and the cursor of the
 * next page (null: none). The inbox merges one or two of these.
 */
export interface AlertStream {
  /** The `state` asked for: one state, several (`open,acknowledged`), or undefined (all). */
  state: string | undefined;
  items: Alert[];
  cursor: string | null;
}

/** The API's order: `(openedAt, id)` descending. Negative when `a` comes first. */
export function compareAlerts(a: Pick<Alert, 'openedAt' | 'id'>, b: Pick<Alert, 'openedAt' | 'id'>): number {
  const at = Date.parse(b.openedAt) - Date.parse(a.openedAt);
  if (at !== 0) return at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * What the inbox shows of its streams, newest first: every item fetched, down to the oldest
 * item fetched of a stream that has more pages. Below that point, that stream's next page
 * may hold newer items than the other streams' rest, which therefore wait for it.
 */
export function visibleAlerts(streams: readonly AlertStream[]): Alert[] {
  const all = streams.flatMap((stream) => stream.items).sort(compareAlerts);
  const frontiers = streams.filter((stream) => stream.cursor !== null && stream.items.length > 0).map((stream) => stream.items.at(-1)!);
  if (streams.some((stream) => stream.cursor !== null && stream.items.length === 0)) return [];
  if (frontiers.length === 0) return all;
  const frontier = frontiers.sort(compareAlerts)[0]!;
  return all.filter((alert) => compareAlerts(alert, frontier) <= 0);
}

/** Whether a page more is to be had, and which streams to ask for it: those fully shown. */
export function streamsToExtend(streams: readonly AlertStream[]): AlertStream[] {
  const shown = new Set(visibleAlerts(streams).map((alert) => alert.id));
  return streams.filter((stream) => stream.cursor !== null && stream.items.every((alert) => shown.has(alert.id)));
}

/**
 * An `alert` message merged into the streams: taken out of wherever it was and, when it still
 * matches the filters, put into its state's stream at its place (a new alert: on top). An item
 * older than what a stream has fetched is left to that stream's later pages.
 */
export function mergeAlertMessage(streams: readonly AlertStream[], alert: Alert, filters: AlertFilters): AlertStream[] {
  const keep = matchesFilters(alert, filters);
  return streams.map((stream) => {
    const without = stream.items.filter((item) => item.id !== alert.id);
    const belongs = keep && streamHolds(stream.state, alert.state);
    const last = stream.items.at(-1);
    if (!belongs || (stream.cursor !== null && last && compareAlerts(alert, last) > 0)) {
      return without.length === stream.items.length ? stream : { ...stream, items: without };
    }
    const at = without.findIndex((item) => compareAlerts(alert, item) < 0);
    const items = at === -1 ? [...without, alert] : [...without.slice(0, at), alert, ...without.slice(at)];
    return { ...stream, items };
  });
}

/**
 * A socket.io `alert` message as an inbox item, or null when it lacks what the list shows
 * (the event map types it loosely; the server sends `GET /api/alerts` items).
 */
export function alertFromMessage(message: Record<string, unknown>): Alert | null {
  const ok = typeof message['id'] === 'string' && typeof message['openedAt'] === 'string' && typeof message['state'] === 'string' && typeof message['title'] === 'string';
  return ok ? (message as unknown as Alert) : null;
}
