import type { Logger } from 'pino';
import type { Database } from '#db/client.ts';
import { ConflictError } from '#server/core/errors.ts';
import type { Clock } from '#server/core/clock.ts';
import { addDays } from './demand-series.ts';
import { scheduledRunExists } from './forecast-run-store.ts';
import type { ForecastRunner } from './forecast-runner.ts';

export interface ForecastSchedule {
  stop(): Promise<void>;
}

const CHECK_EVERY_MS = 60_000;

/**
 * The nightly run: once the clock passes `hourUtc`, one scheduled run per day of history (the
 * database refuses a second, whichever instance tries). A server that was down at that hour runs
 * when it comes back. `ready` holds the schedule back, e.g. while the demo backfills its history.
 */
export function startForecastSchedule(
  deps: { db: Database; clock: Clock; logger: Logger; runner: ForecastRunner },
  options: { hourUtc: number; ready?: () => boolean; checkEveryMs?: number },
): ForecastSchedule {
  const log = deps.logger.child({ component: 'forecast-schedule' });
  let stopped = false;
  let checking: Promise<void> | null = null;

  async function check(): Promise<void> {
    if (stopped || (options.ready && !options.ready())) return;
    const now = deps.clock.now();
    if (now.getUTCHours() < options.hourUtc) return;
    const asOfDate = addDays(now.toISOString().slice(0, 10), -1);
    if (await scheduledRunExists(deps.db, asOfDate)) return;
    try {
      const { run } = await deps.runner.start({ trigger: 'schedule', requestedBy: null, asOfDate });
      log.info({ run: run.number, asOfDate }, 'scheduled forecast run started');
    } catch (error) {
      // Another instance started it, or a manual run is going: the next check looks again.
      if (!(error instanceof ConflictError)) throw error;
    }
  }

  const tick = () => {
    checking ??= check()
      .catch((error: unknown) => log.warn({ err: error }, 'could not start the scheduled forecast run'))
      .finally(() => (checking = null));
  };
  const timer = setInterval(tick, options.checkEveryMs ?? CHECK_EVERY_MS);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await checking;
    },
  };
}
