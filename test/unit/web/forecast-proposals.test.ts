import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../web/lib/api/client.ts';
import type { Proposal } from '../../../web/lib/api/types.ts';
import { byUrgency, changedQuantities, decisionError, locationLabel, positionFacts, selectionCost, sourceLabel } from '../../../web/lib/forecasts/proposal-view.ts';

const proposal = (id: string, extra: Partial<Proposal> = {}) =>
  ({ id, sku: `SKU-${id}`, kind: 'purchase', quantity: 12, unitCostCents: 400, costCents: 4_800, currency: 'USD', stockoutDate: null, supplierId: 's1', fromLocationId: null, ...extra }) as Proposal;

describe('restock proposal helpers', () => {
  it('puts the soonest stock-out first, proposals without one last, then the costliest', () => {
    const sorted = byUrgency([
      proposal('a', { stockoutDate: null, costCents: 9_000 }),
      proposal('b', { stockoutDate: '2026-12-09' }),
      proposal('c', { stockoutDate: '2026-12-03', costCents: 100 }),
      proposal('d', { stockoutDate: '2026-12-03', costCents: 500 }),
    ]);
    expect(sorted.map((p) => p.id)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('says where the units come from: a supplier or another location', () => {
    const suppliers = [{ id: 's1', code: 'COT', name: 'Cotton Co' }] as any;
    const locations = [{ id: 'l1', code: 'WEST', name: 'West DC' }] as any;
    expect(sourceLabel(proposal('a'), suppliers, locations)).toBe('Buy from COT · Cotton Co');
    expect(sourceLabel(proposal('b', { kind: 'transfer', supplierId: null, fromLocationId: 'l1' }), suppliers, locations)).toBe('Transfer from WEST · West DC');
    expect(locationLabel('0123456789', locations)).toBe('01234567');
  });

  it('sends only quantities typed and not yet saved, for the proposals selected', () => {
    const items = [proposal('a'), proposal('b'), proposal('c')];
    expect(changedQuantities(items, ['a', 'b'], { a: 24, b: 12, c: 36 })).toEqual({ a: 24 });
    expect(changedQuantities(items, ['a'], { a: 0 })).toBeUndefined();
    expect(changedQuantities(items, ['a'], {})).toBeUndefined();
  });

  it('costs the selection at the quantities shown, per currency', () => {
    const items = [proposal('a'), proposal('b', { currency: 'EUR', unitCostCents: 100 }), proposal('c')];
    expect(selectionCost(items, ['a', 'b', 'c'], { a: 24 })).toEqual([
      { currency: 'USD', cents: 24 * 400 + 12 * 400 },
      { currency: 'EUR', cents: 1_200 },
    ]);
    expect(selectionCost(items, [], {})).toEqual([]);
  });

  it('lists the position in reading order, leaving out what the proposal lacks', () => {
    expect(positionFacts({ orderUpTo: 90, available: 40, inbound: 0, extra: 3 }).map((f) => f.label)).toEqual(['Available', 'Inbound', 'Order up to']);
  });

  it('a 409 names the proposal decided first by SKU and says the list is refreshed', () => {
    const error = new ApiError(409, 'invalid_transition', 'Cannot move a restock proposal from approved to rejected', [{ path: 'ids.1', message: 'is already approved' }]);
    const message = decisionError(error, ['a', 'b'], [proposal('a'), proposal('b')]);
    expect(message).toContain('Someone else decided first');
    expect(message).toContain('(SKU-b: is already approved)');
    expect(decisionError(new ApiError(422, 'validation', 'Invalid', [{ path: 'reason', message: 'say why' }]), [], [])).toBe('Invalid (reason: say why)');
  });
});
