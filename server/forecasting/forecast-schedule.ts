import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import { ConflictError } from '#server/core/errors.ts';
import type { Clock } from '#server/core/clock.ts';
import { addDays } from './demand-series.ts';
import { scheduledRunState } from './forecast-run-store.ts';
import type { ForecastRunner } from './forecast-runner.ts';

export interface ForecastSchedule {
  /** Looks now (as the timer does every minute); resolves when that look is done. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

const CHECK_EVERY_MS = 60_000;
/** A scheduled run that failed (ClickHouse down, a crash) is tried again this long after. */
export const RETRY_FAILED_AFTER_MS = 15 * 60_000;

/**
 * The nightly run: once the clock passes `hourUtc`, one scheduled run per day of history (the
 * database refuses a second, whichever instance tries). A server that was down at that hour runs
 * when it comes back; a run that failed is tried again `RETRY_FAILED_AFTER_MS` later. `ready`
 * holds the schedule back, e.g. while the demo backfills its history.
 */
export function startForecastSchedule(
  deps: { db: Database; clock: Clock; logger: Logger; runner: ForecastRunner },
  options: { hourUtc: number; ready?: () => boolean; checkEveryMs?: number; retryFailedAfterMs?: number },
): ForecastSchedule {
  const log = deps.logger.child({ component: 'forecast-schedule' });
  let stopped = false;
  let checking: Promise<void> | null = null;

  async function check(): Promise<void> {
    if (stopped || (options.ready && !options.ready())) return;
    const now = deps.clock.now();
    if (now.getUTCHours() < options.hourUtc) return;
    const asOfDate = addDays(now.toISOString().slice(0, 10), -1);
    const state = await scheduledRunState(deps.db, asOfDate);
    if (state.taken) return;
    if (state.lastFailedAt && now.getTime() - state.lastFailedAt.getTime() < (options.retryFailedAfterMs ?? RETRY_FAILED_AFTER_MS)) return;
    try {
      const { run } = await deps.runner.start({ trigger: 'schedule', requestedBy: null, asOfDate });
      log.info({ run: run.number, asOfDate }, 'scheduled forecast run started');
    } catch (error) {
      // Another instance started it, or a manual run is going: the next check looks again.
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  const tick = (): Promise<void> => {
    checking ??= check()
      .catch((error: unknown) => log.warn({ err: error }, 'could not start the scheduled forecast run'))
      .finally(() => (checking = null));
    return checking;
  };
  const timer = setInterval(() => void tick(), options.checkEveryMs ?? CHECK_EVERY_MS);
  timer.unref();
  void tick();
  return {
    check: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await checking;
    },
  };
}
