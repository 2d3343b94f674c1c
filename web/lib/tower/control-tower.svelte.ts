import { api, errorMessage } from '../api/client.ts';
import type { Backlog, Channel, Kpis, Location, Product, Timeseries } from '../api/types.ts';
import type { CategoryRate } from '../charts/return-rate.ts';
import { currentKpisUrl, DEFAULT_WINDOW, windowRanges, type WindowKey } from './tower-window.ts';

export interface TowerFilters {
  channel: Channel | '';
  locationId: string;
  category: string;
}

export interface TowerSeries {
  orders: Timeseries;
  revenueCents: Timeseries;
  p50: Timeseries;
  mean: Timeseries;
  p90: Timeseries;
}

const KPI_REFRESH_MS = 1_000;
const CHART_REFRESH_MS = 5_000;

/**
 * The control tower's data: KPIs of the window and of the one before (for trends), series for
 * the charts, backlog, and return rate per category. Live: the server's KPI snapshot (last 24 h,
 * unfiltered) replaces the tiles' figures as it arrives; under another window or a filter, order
 * events trigger a refetch at most once a second (charts every five seconds).
 */
export class ControlTower {
  window = $state<WindowKey>(DEFAULT_WINDOW);
  filters = $state<TowerFilters>({ channel: '', locationId: '', category: '' });
  kpis = $state<Kpis | null>(null);
  previous = $state<Kpis | null>(null);
  series = $state<TowerSeries | null>(null);
  backlog = $state<Backlog | null>(null);
  returnRates = $state<CategoryRate[] | null>(null);
  locations = $state<Location[]>([]);
  categories = $state<string[]>([]);
  error = $state<string | null>(null);
  chartsError = $state<string | null>(null);
  loading = $state(false);
  /** When the tiles last changed, for the "updated" line. */
  updatedAt = $state<number | null>(null);

  private generation = 0;
  private kpiTimer: ReturnType<typeof setTimeout> | null = null;
  private chartTimer: ReturnType<typeof setTimeout> | null = null;
  private lastKpiLoad = 0;

  /** True when the server's live snapshot answers exactly what the tiles show. */
  get snapshotApplies(): boolean {
    return this.window === '24h' && !this.filters.channel && !this.filters.locationId && !this.filters.category;
  }

  private query(): Record<string, string> {
    const query: Record<string, string> = {};
    if (this.filters.channel) query['channel'] = this.filters.channel;
    if (this.filters.locationId) query['locationId'] = this.filters.locationId;
    if (this.filters.category) query['category'] = this.filters.category;
    return query;
  }

  async loadReferenceData(): Promise<void> {
    const [locations, products] = await Promise.all([
      api<Location[]>('/api/locations').catch(() => [] as Location[]),
      api<{ items: Product[] }>('/api/products', { query: { limit: 500 } }).catch(() => ({ items: [] as Product[] })),
    ]);
    this.locations = locations;
    this.categories = [...new Set(products.items.map((product) => product.category))].sort();
    // Return rates are asked per category: once the categories are known, ask.
    if (this.returnRates === null || this.returnRates.length === 0) this.returnRates = await this.loadReturnRates().catch(() => null);
  }

  get currency(): string {
    return this.locations[0]?.currency ?? 'USD';
  }

  /** Everything for the current window and filters; a newer load wins over an older one. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = null;
    try {
      // Tiles first: the charts' queries would compete with them for the same ClickHouse.
      await this.loadKpis(generation);
      await this.loadCharts(generation);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** The window's KPIs show as soon as they come; the previous window (trends) and backlog follow. */
  private async loadKpis(generation = this.generation): Promise<void> {
    const ranges = windowRanges(this.window, Date.now());
    const filters = this.query();
    // Asked first (the server answers in order), and by a URL the page shell preloads for the
    // default window: a fetch of the same URL, mode and credentials reuses that response.
    performance.mark('tower:kpis-asked');
    const current = api<Kpis>(currentKpisUrl(this.window, filters));
    const previous = api<Kpis>('/api/kpis', { query: { ...ranges.previous, ...filters } });
    const backlog = api<Backlog>('/api/kpis/backlog', { query: { channel: this.filters.channel, locationId: this.filters.locationId } });
    try {
      const kpis = await current;
      performance.mark('tower:kpis-answered');
      if (generation !== this.generation) return;
      this.kpis = kpis;
      this.updatedAt = Date.now();
      const [previousKpis, backlogRows] = await Promise.all([previous, backlog]);
      if (generation !== this.generation) return;
      this.previous = previousKpis;
      this.backlog = backlogRows;
    } catch (error) {
      if (generation === this.generation) this.error = errorMessage(error);
    }
    // Settle the others whatever happened, so that none is an unhandled rejection.
    await Promise.allSettled([current, previous, backlog]);
  }

  private async loadCharts(generation = this.generation): Promise<void> {
    const { series: range } = windowRanges(this.window, Date.now());
    const filters = this.query();
    const metric = (name: string) => api<Timeseries>('/api/kpis/timeseries', { query: { metric: name, ...range, ...filters } });
    try {
      const [orders, revenueCents, p50, mean, p90, returnRates] = await Promise.all([
        metric('orders'),
        metric('revenueCents'),
        metric('deliveryTimeP50Hours'),
        metric('deliveryTimeMeanHours'),
        metric('deliveryTimeP90Hours'),
        this.loadReturnRates(),
      ]);
      if (generation !== this.generation) return;
      this.series = { orders, revenueCents, p50, mean, p90 };
      this.returnRates = returnRates;
      this.chartsError = null;
    } catch (error) {
      if (generation === this.generation) this.chartsError = errorMessage(error);
    }
  }

  /** One KPI query per category (the API filters by one category at a time); at most 12. */
  private async loadReturnRates(): Promise<CategoryRate[]> {
    const { current } = windowRanges(this.window, Date.now());
    const categories = this.filters.category ? [this.filters.category] : this.categories.slice(0, 12);
    const { category: _category, ...filters } = this.query();
    return Promise.all(
      categories.map(async (category) => {
        const kpis = await api<Kpis>('/api/kpis', { query: { ...current, ...filters, category } });
        return { category, returnRate: kpis.returnRate };
      }),
    );
  }

  /** A live snapshot (last 24 h, all channels, locations and categories). */
  applySnapshot(snapshot: Kpis): void {
    if (!this.snapshotApplies) return;
    this.kpis = snapshot;
    this.updatedAt = Date.now();
  }

  /** Order events happened: refresh what they may have changed, at most once per interval (leading edge). */
  onOrderEvents(): void {
    this.kpiTimer ??= setTimeout(() => {
      this.kpiTimer = null;
      this.lastKpiLoad = Date.now();
      void this.loadKpis();
    }, Math.max(0, this.lastKpiLoad + KPI_REFRESH_MS - Date.now()));
    this.chartTimer ??= setTimeout(() => {
      this.chartTimer = null;
      void this.loadCharts();
    }, CHART_REFRESH_MS);
  }

  /** Stops the live refreshes (loads in flight finish and are kept: the page may be shown again). */
  stop(): void {
    if (this.kpiTimer) clearTimeout(this.kpiTimer);
    if (this.chartTimer) clearTimeout(this.chartTimer);
    this.kpiTimer = this.chartTimer = null;
  }
}
