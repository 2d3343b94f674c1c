import { describe, expect, it } from 'vitest';
import { currentAsOf, requestScopedClock, runAsOf } from '#server/core/as-of.ts';
import { StatementBatcher } from '#server/core/statement-batcher.ts';

const base = { now: () => new Date('2030-01-01T00:00:00.000Z') };
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('the request-scoped clock', () => {
  it('reads the base clock outside a dated request and the moment inside one, across awaits', async () => {
    const clock = requestScopedClock(base);
    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
    const moment = new Date('2026-10-01T14:03:00.000Z');
    const inside = await runAsOf(moment, async () => {
      await tick();
      return clock.now().toISOString();
    });
    expect(inside).toBe('2026-10-01T14:03:00.000Z');
    expect(currentAsOf()).toBeUndefined();
  });

  it('hands out copies: a caller changing its Date does not move the request', async () => {
    const clock = requestScopedClock(base);
    await runAsOf(new Date('2026-10-01T00:00:00.000Z'), () => {
      clock.now().setUTCFullYear(1999);
      expect(clock.now().toISOString()).toBe('2026-10-01T00:00:00.000Z');
    });
  });

  it('concurrent dated requests each keep their own moment', async () => {
    const clock = requestScopedClock(base);
    const moments = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];
    const seen = await Promise.all(
      moments.map((m, i) =>
        runAsOf(new Date(m), async () => {
          await new Promise((resolve) => setTimeout(resolve, 5 - i));
          return clock.now().toISOString();
        }),
      ),
    );
    expect(seen).toEqual(moments);
  });

  it('a batched statement runs in the context of the request that started it: items must carry their own reading', async () => {
    const clock = requestScopedClock(base);
    const readAtFlush: string[][] = [];
    const batcher = new StatementBatcher<string, string>(
      {
        run: async (items) => {
          readAtFlush.push(items.map(() => clock.now().toISOString()));
          await tick();
          return items;
        },
      },
      { maxInFlight: 1 },
    );
    const moments = ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];
    const carried = await Promise.all(moments.map((m) => runAsOf(new Date(m), () => batcher.submit(clock.now().toISOString()))));
    expect(carried).toEqual(moments);
    // The second statement carried the later two requests yet ran in the first one's context, and
    // read its moment: why writeOrders reads each draft's placedAt, never the clock.
    expect(readAtFlush).toEqual([[moments[0]], [moments[0], moments[0]]]);
  });
});
