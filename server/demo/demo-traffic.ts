import type { Logger } from 'pino';
import { formatProgress, type Progress } from '#server/simulator/driver/progress.ts';
import { runSimulation } from '#server/simulator/driver/simulation.ts';
import type { SimulatorCredentials } from './demo-setup.ts';

export interface DemoTrafficOptions {
  baseUrl: string;
  credentials: SimulatorCredentials;
  seed: number;
  /** Days of history to backfill before going live (0: only today up to now). */
  days: number;
  ordersPerDay: number;
  ordersPerMinute: number;
  logger: Logger;
  /** Awaited once the history is in, before the demo goes live (the relay to ClickHouse catching up with it). */
  beforeLive?: () => Promise<void>;
  /** Called once the history is in and the simulation runs in real time. */
  onLive: () => void;
  /** A log line about the backfill at most this often (10 s by default). */
  logEveryMs?: number;
}

export interface DemoTraffic {
  /** Aborts the simulation and waits for its requests in flight. */
  stop(): Promise<void>;
}

/**
 * The simulated business driving this Tower over its own HTTP API, in the background: the
 * backfill first, then live traffic until stopped. A failure is logged, never fatal: the
 * server itself is fine without its demo traffic.
 */
export function startDemoTraffic(options: DemoTrafficOptions): DemoTraffic {
  const abort = new AbortController();
  const logEveryMs = options.logEveryMs ?? 10_000;
  let lastLogAt = 0;
  let live = false;
  const onProgress = (p: Progress) => {
    if (p.phase === 'live' && !live) {
      live = true;
      options.logger.info({ simulatedAt: p.simulatedAt, orders: p.stats.ordersPlaced, elapsedMs: p.elapsedMs }, `demo history backfilled; live at ${options.ordersPerMinute} orders a minute`);
      options.onLive();
      return;
    }
    if (p.phase !== 'backfill' || Date.now() - lastLogAt < logEveryMs) return;
    lastLogAt = Date.now();
    options.logger.info({ component: 'simulator' }, formatProgress(p));
  };
  const running = runSimulation({
    baseUrl: options.baseUrl,
    token: options.credentials.token,
    carrierSecret: options.credentials.carrierSecret,
    seed: options.seed,
    days: options.days,
    ordersPerDay: options.ordersPerDay,
    live: { ordersPerMinute: options.ordersPerMinute },
    signal: abort.signal,
    onProgress,
    ...(options.beforeLive ? { beforeLive: options.beforeLive } : {}),
  }).catch((error: unknown) => {
    // Whatever happened, Tower's own background work (releases) must not wait for a history that will not come.
    if (!live) options.onLive();
    if (abort.signal.aborted) return;
    options.logger.error({ err: error }, 'the demo simulation stopped; Tower goes on without simulated traffic');
  });
  return {
    async stop() {
      abort.abort();
      await running;
    },
  };
}
