import { describe, expect, it } from 'vitest';
import { formatters } from '../../../web/lib/format.ts';
import type { AlertStats } from '../../../web/lib/api/types.ts';
import { alertResponseTiles } from '../../../web/lib/tower/alert-response.ts';
import { confirmText, remediesFor, remedyBody } from '../../../web/routes/alerts/alert-remedies.ts';

describe('alert remedies on the detail page', () => {
  it('builds the body of each remedy from the form, leaving out what is empty', () => {
    expect(remedyBody('hold', ['o1', 'o2'], { reason: '  dock closed ' })).toEqual({ action: 'hold', orderIds: ['o1', 'o2'], reason: 'dock closed' });
    expect(remedyBody('hold', ['o1'], { reason: ' ' })).toEqual({ action: 'hold', orderIds: ['o1'] });
    expect(remedyBody('reroute', ['o1'], { toLocationId: '' })).toEqual({ action: 'reroute', orderIds: ['o1'] });
    expect(remedyBody('reroute', ['o1'], { toLocationId: 'l2' })).toEqual({ action: 'reroute', orderIds: ['o1'], toLocationId: 'l2' });
    expect(remedyBody('upgrade_service', ['o1'], {})).toEqual({ action: 'upgrade_service', orderIds: ['o1'], service: 'express' });
    expect(remedyBody('propose_restock', ['A'], { kind: 'purchase', fromLocationId: 'l9', quantity: null })).toEqual({ action: 'propose_restock', skus: ['A'], kind: 'purchase' });
    expect(remedyBody('propose_restock', ['A'], { kind: 'transfer', fromLocationId: 'l9', quantity: 12 })).toEqual({ action: 'propose_restock', skus: ['A'], kind: 'transfer', fromLocationId: 'l9', quantity: 12 });
  });

  it('asks to confirm in words and splits the offered remedies by what they apply to', () => {
    expect(confirmText('hold', 1)).toBe('Hold 1 order?');
    expect(confirmText('reroute', 3)).toBe('Reroute 3 orders?');
    expect(confirmText('propose_restock', 2)).toBe('Propose a restock of 2 SKUs?');
    expect(remediesFor(['hold', 'reroute', 'propose_restock'], 'orders')).toEqual(['hold', 'reroute']);
    expect(remediesFor(['hold', 'propose_restock'], 'skus')).toEqual(['propose_restock']);
  });
});

describe('alert response on the control tower', () => {
  const format = formatters('en-US');
  const stats = (overall: AlertStats['overall']): AlertStats => ({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-08T00:00:00.000Z', rules: [], overall });

  it('shows live alerts and p50 time to acknowledge and resolve, p90 beside them', () => {
    const tiles = alertResponseTiles(
      stats({ opened: 12, open: 3, timeToAcknowledgeSeconds: { count: 9, p50: 42, p90: 600 }, timeToResolveSeconds: { count: 8, p50: 5_400, p90: 14_400 } }),
      format,
    );
    expect(tiles.map((t) => [t.id, t.value, t.trend?.text])).toEqual([
      ['alerts-live', '3', '12 opened in 7 days'],
      ['alerts-ack', '42 s', 'p90 10 min · 9'],
      ['alerts-resolve', '1.5 h', 'p90 4 h · 8'],
    ]);
  });

  it('says so when nothing was acknowledged yet', () => {
    const tiles = alertResponseTiles(stats({ opened: 1, open: 1, timeToAcknowledgeSeconds: { count: 0, p50: null, p90: null }, timeToResolveSeconds: { count: 0, p50: null, p90: null } }), format);
    expect(tiles[1]).toMatchObject({ value: '—', trend: { text: '0 so far' } });
  });
});
