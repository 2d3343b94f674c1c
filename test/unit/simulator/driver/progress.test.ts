import { describe, expect, it } from 'vitest';
import { formatProgress, type Progress } from '#server/simulator/driver/progress.ts';
import { emptyStats } from '#server/simulator/driver/world.ts';

const progress = (overrides: Partial<Progress> = {}): Progress => ({
  phase: 'backfill',
  simulatedAt: '2026-11-03T14:25:31.000Z',
  fraction: 0.5,
  stats: { ...emptyStats(), ordersPlaced: 1_200, ordersDeclined: 24, ordersOutOfStock: 3, ordersCancelled: 30, shipmentsShipped: 900, deliveries: 800, returnsRequested: 40 },
  requestsSent: 12_000,
  elapsedMs: 60_000,
  ...overrides,
});

describe('formatProgress', () => {
  it('says where the backfill is, what happened and how fast, on one line', () => {
    const line = formatProgress(progress());
    expect(line).toBe(
      'backfill  50% 2026-11-03 14:25Z · orders 1200 (declined 24, out of stock 3, cancelled 30) · shipped 900 · delivered 800 · returns 40 · 20.0 orders/s, 200.0 req/s · 1m00s',
    );
    expect(line).not.toContain('\n');
  });

  it('draws a bar of the asked width on a terminal', () => {
    expect(formatProgress(progress({ fraction: 0.25 }), { barWidth: 8 })).toMatch(/^\[##\.{6}\] backfill {2}25%/);
    expect(formatProgress(progress({ fraction: 1.7 }), { barWidth: 4 })).toMatch(/^\[####\] /);
  });

  it('shows no percentage once live, and errors only when there are some', () => {
    const live = formatProgress(progress({ phase: 'live', fraction: 1, elapsedMs: 5_000 }));
    expect(live).toMatch(/^live 2026-11-03 14:25Z/);
    expect(live).toContain(' · 5s');
    expect(live).not.toContain('errors');
    expect(formatProgress(progress({ stats: { ...emptyStats(), errors: 3 } }))).toMatch(/ · 3 errors$/);
  });
});
