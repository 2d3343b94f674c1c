import { api, errorMessage } from '../api/client.ts';
import type { ForecastProgress, ForecastRun, ForecastSeries, ForecastSeriesPage, Location } from '../api/types.ts';
import { seriesPageUrl } from './forecast-urls.ts';
import { previousSucceeded, seriesKey } from './forecast-view.ts';
/** While a run is in flight, its row is read this often too, in case a live message is missed. */
const POLL_MS = 3_000;

/**
 * The Forecasts page's data: the latest succeeded run and the one before it (to compare
 * accuracy), its series ranked by stock-out risk with filters and paging, the selected series,
 * and a run in flight with its progress (live `forecast:run` messages, and a slow poll).
 */
export class ForecastBoard {
  locationId = $state('');
  sku = $state('');
  run = $state<ForecastRun | null>(null);
  previous = $state<ForecastRun | null>(null);
  items = $state<ForecastSeries[]>([]);
  selectedKey = $state<string | null>(null);
  locations = $state<Location[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  /** The run in flight: its latest progress. */
  progress = $state<ForecastProgress | null>(null);
  runError = $state<string | null>(null);
  starting = $state(false);
  /** The cursors of the pages before this one and of this one (undefined: the first page). */
  private cursors = $state<(string | undefined)[]>([undefined]);
  nextCursor = $state<string | null>(null);
  private generation = 0;
  private poll: ReturnType<typeof setInterval> | null = null;

  get selected(): ForecastSeries | null {
    return this.items.find((item) => seriesKey(item) === this.selectedKey) ?? null;
  }

  get page(): number {
    return this.cursors.length;
  }

  async loadReferenceData(): Promise<void> {
    this.locations = await api<Location[]>('/api/locations').catch(() => []);
  }

  /** The run header and the first page of series under the filters. */
  async load(): Promise<void> {
    this.cursors = [undefined];
    await Promise.all([this.loadRuns(), this.loadPage()]);
  }

  async nextPage(): Promise<void> {
    if (!this.nextCursor) return;
    this.cursors = [...this.cursors, this.nextCursor];
    await this.loadPage();
  }

  async previousPage(): Promise<void> {
    if (this.cursors.length <= 1) return;
    this.cursors = this.cursors.slice(0, -1);
    await this.loadPage();
  }

  private async loadPage(): Promise<void> {
    const generation = ++this.generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await api<ForecastSeriesPage>(seriesPageUrl({ locationId: this.locationId, sku: this.sku, cursor: this.cursors.at(-1) }));
      if (generation !== this.generation) return;
      this.run = page.run;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      if (!this.selected) this.selectedKey = page.items[0] ? seriesKey(page.items[0]) : null;
    } catch (error) {
      if (generation === this.generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** Recent runs: the one before the latest succeeded (for the comparison) and any still running. */
  private async loadRuns(): Promise<void> {
    try {
      const { items } = await api<{ items: ForecastRun[] }>('/api/forecasts/runs', { query: { limit: 20 } });
      const latest = items.find((run) => run.status === 'succeeded') ?? null;
      this.previous = previousSucceeded(items, latest);
      // A run that failed after the latest good one: say so (its series are not shown).
      const failed = items.find((run) => run.status === 'failed' && (!latest || run.number > latest.number));
      if (failed && !this.runError) this.runError = `Run ${failed.number} failed${failed.error ? `: ${failed.error}` : '.'} The series shown are from the last run that succeeded.`;
      const running = items.find((run) => run.status === 'running');
      if (running && !this.progress) this.follow({ runId: running.id, number: running.number, state: 'running', stage: 'forecasting', seriesDone: running.seriesDone, seriesTotal: running.seriesTotal });
    } catch {
      // The comparison is extra: the series still show without it.
    }
  }

  /** Starts a run now; 409 when one is already running (then that one is followed). */
  async startRun(): Promise<void> {
    this.starting = true;
    this.runError = null;
    try {
      const run = await api<ForecastRun>('/api/forecasts/runs', { method: 'POST' });
      this.follow({ runId: run.id, number: run.number, state: 'running', stage: 'starting', seriesDone: 0, seriesTotal: 0 });
    } catch (error) {
      this.runError = errorMessage(error);
      void this.loadRuns();
    } finally {
      this.starting = false;
    }
  }

  /** A `forecast:run` message, live or polled: progress, or the end of the run. */
  onProgress(message: ForecastProgress): void {
    if (this.progress && message.runId !== this.progress.runId && message.number < this.progress.number) return;
    if (message.state === 'running') {
      this.follow(message);
      return;
    }
    this.stopPolling();
    this.progress = null;
    if (message.state === 'failed') {
      this.runError = `Run ${message.number} failed${typeof message['error'] === 'string' ? `: ${message['error']}` : '.'}`;
      return;
    }
    this.runError = null;
    void this.load();
  }

  private follow(message: ForecastProgress): void {
    this.progress = message;
    this.poll ??= setInterval(() => void this.pollRun(), POLL_MS);
  }

  private async pollRun(): Promise<void> {
    const current = this.progress;
    if (!current) return this.stopPolling();
    try {
      const run = await api<ForecastRun>(`/api/forecasts/runs/${current.runId}`);
      if (this.progress?.runId !== run.id) return;
      if (run.status === 'running') {
        // Live messages carry the stage; keep it, take the newer count.
        if (run.seriesDone > current.seriesDone) this.progress = { ...current, seriesDone: run.seriesDone, seriesTotal: run.seriesTotal };
      } else {
        this.onProgress({ runId: run.id, number: run.number, state: run.status, stage: run.status, seriesDone: run.seriesDone, seriesTotal: run.seriesTotal, error: run.error });
      }
    } catch {
      // A missed poll: the next one, or a live message, catches up.
    }
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = null;
  }

  stop(): void {
    this.stopPolling();
  }
}
