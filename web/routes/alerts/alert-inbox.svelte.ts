import { api, errorMessage } from '../../lib/api/client.ts';
import type { Alert, AlertPage, AlertRule, AlertStats, Location } from '../../lib/api/types.ts';
import { alertQuery, DEFAULT_FILTERS, streamStates, type AlertFilters } from './alert-filters.ts';
import { mergeAlertMessage, streamsToExtend, visibleAlerts, type AlertStream } from './alert-merge.ts';

/**
 * The Alerts inbox: filters, one page stream per state asked for (merged newest first), live
 * `alert` messages merged in place without a refetch, and the week's time to acknowledge and
 * resolve per rule.
 */
export class AlertInbox {
  filters = $state<AlertFilters>({ ...DEFAULT_FILTERS });
  streams = $state<AlertStream[]>([]);
  loading = $state(true);
  loadingMore = $state(false);
  error = $state<string | null>(null);
  rules = $state<AlertRule[]>([]);
  locations = $state<Location[]>([]);
  stats = $state<AlertStats | null>(null);
  statsError = $state<string | null>(null);
  private generation = 0;

  get items(): Alert[] {
    return visibleAlerts(this.streams);
  }

  get hasMore(): boolean {
    return this.streams.some((stream) => stream.cursor !== null);
  }

  /** User ids to names, where the API lets this user know them (admins list users). */
  people = $state<Record<string, string>>({});

  async loadReferenceData(limitTo: readonly string[] | null, mayListUsers: boolean): Promise<void> {
    const [locations, rules, users] = await Promise.all([
      api<Location[]>('/api/locations').catch(() => [] as Location[]),
      api<{ items: AlertRule[] }>('/api/alert-rules').catch(() => ({ items: [] as AlertRule[] })),
      mayListUsers ? api<{ id: string; name: string }[]>('/api/users').catch(() => []) : [],
    ]);
    this.locations = limitTo ? locations.filter((location) => limitTo.includes(location.id)) : locations;
    this.rules = rules.items;
    this.people = Object.fromEntries(users.map((user) => [user.id, user.name]));
  }

  /** The first page of every stream under the filters. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    const filters = $state.snapshot(this.filters);
    this.loading = true;
    this.error = null;
    try {
      const pages = await Promise.all(streamStates(filters.state).map((state) => api<AlertPage>('/api/alerts', { query: alertQuery(filters, state) }).then((page) => ({ state, page }))));
      if (generation !== this.generation) return;
      this.streams = pages.map(({ state, page }) => ({ state, items: page.items, cursor: page.nextCursor }));
    } catch (error) {
      if (generation === this.generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** The next page of each stream whose fetched items are all shown. */
  async loadMore(): Promise<void> {
    if (this.loadingMore) return;
    const generation = this.generation;
    const filters = $state.snapshot(this.filters);
    const extend = streamsToExtend(this.streams);
    if (extend.length === 0) return;
    this.loadingMore = true;
    try {
      const pages = await Promise.all(extend.map((stream) => api<AlertPage>('/api/alerts', { query: alertQuery(filters, stream.state, stream.cursor) }).then((page) => ({ stream, page }))));
      if (generation !== this.generation) return;
      this.streams = this.streams.map((stream) => {
        const next = pages.find((entry) => entry.stream.state === stream.state)?.page;
        if (!next) return stream;
        const seen = new Set(stream.items.map((alert) => alert.id));
        return { ...stream, items: [...stream.items, ...next.items.filter((alert) => !seen.has(alert.id))], cursor: next.nextCursor };
      });
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loadingMore = false;
    }
  }

  /** A live `alert` message: merged where it belongs, or out of the view it left. */
  onAlert(alert: Alert): void {
    if (this.loading) return;
    this.streams = mergeAlertMessage(this.streams, alert, this.filters);
  }

  /** Per rule over the last 7 days (the API's default window). */
  async loadStats(): Promise<void> {
    try {
      this.stats = await api<AlertStats>('/api/alerts/stats');
      this.statsError = null;
    } catch (error) {
      this.statsError = errorMessage(error);
    }
  }
}
