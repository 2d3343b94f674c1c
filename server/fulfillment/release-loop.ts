import type { ServiceContext } from '#server/context.ts';
import { releaseOrders } from './release-orders.ts';

export interface ReleaseLoop {
  /** Stops the timer and waits for a release in progress to commit or roll back. */
  stop(): Promise<void>;
}

/**
 * Releases allocated units to the floor every `intervalMs` (new orders, backorders filled since
 * an order's release), batch after batch until none is left. A run still going when the timer
 * fires again is not doubled; another instance running the same loop takes other orders (see
 * releaseOrders).
 */
export function startReleaseLoop(ctx: Pick<ServiceContext, 'db' | 'clock' | 'logger' | 'sourcingPolicy'>, options: { intervalMs: number; batchSize: number }): ReleaseLoop {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    for (;;) {
      const result = await releaseOrders(ctx, { limit: options.batchSize });
      if (result.orders > 0) ctx.logger.info({ ...result }, 'orders released to fulfillment');
      if (stopped || result.orders < options.batchSize) return;
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = run()
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'releasing orders to fulfillment failed; retrying on the next tick'))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
