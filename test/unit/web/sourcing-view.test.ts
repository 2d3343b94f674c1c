import { describe, expect, it } from 'vitest';
import { ELIMINATION_LABELS, eliminationCounts, midday, readableSummary, splitCandidates, STRATEGY_LABELS, type CandidateEntry } from '../../../web/lib/orders/sourcing-view.ts';

const ranked = (locationId: string, rank: number, chosen = false): CandidateEntry => ({
  locationId,
  kind: 'warehouse',
  distanceKm: 10,
  status: 'ranked',
  rank,
  units: 2,
  fillsOrder: true,
  costCents: 900 + rank,
  chosen,
});
const eliminated = (locationId: string, reason: Extract<CandidateEntry, { status: 'eliminated' }>['reason']): CandidateEntry => ({ locationId, kind: 'store', distanceKm: null, status: 'eliminated', reason });
const vendor = (locationId: string, chosen = false): CandidateEntry => ({ locationId, kind: 'dropship', distanceKm: null, status: 'vendor', units: 1, costCents: 500, chosen });

describe('splitCandidates', () => {
  it('puts the chosen locations first, then the other ranked ones by rank, then vendors; the eliminated apart, in their order', () => {
    const candidates = [vendor('V1'), ranked('L3', 3), eliminated('E1', 'no_stock'), ranked('L1', 1), ranked('L2', 2, true), eliminated('E2', 'inactive')];
    const { considered, eliminated: out } = splitCandidates(candidates);
    expect(considered.map((c) => c.locationId)).toEqual(['L2', 'L1', 'L3', 'V1']);
    expect(out.map((c) => [c.locationId, c.reason])).toEqual([
      ['E1', 'no_stock'],
      ['E2', 'inactive'],
    ]);
  });

  it('leaves the candidates it was given as they were', () => {
    const candidates = [ranked('L2', 2), ranked('L1', 1)];
    splitCandidates(candidates);
    expect(candidates.map((c) => c.locationId)).toEqual(['L2', 'L1']);
  });

  it('handles no candidates', () => {
    expect(splitCandidates([])).toEqual({ considered: [], eliminated: [] });
  });
});

describe('eliminationCounts', () => {
  it('counts the locations each reason eliminated, most first', () => {
    const counts = eliminationCounts([{ reason: 'no_stock' }, { reason: 'capacity_exhausted' }, { reason: 'no_stock' }, { reason: 'no_stock' }, { reason: 'capacity_exhausted' }, { reason: 'inactive' }]);
    expect(counts).toEqual([
      { reason: 'no_stock', count: 3 },
      { reason: 'capacity_exhausted', count: 2 },
      { reason: 'inactive', count: 1 },
    ]);
  });

  it('is empty when none was eliminated', () => {
    expect(eliminationCounts([])).toEqual([]);
  });
});

describe('readableSummary', () => {
  it('names every location id in the summary by its code and name, each time it appears', () => {
    const a = '0d3c1a52-7a44-4f0e-9a0b-111111111111';
    const b = '0d3c1a52-7a44-4f0e-9a0b-222222222222';
    const names: Record<string, string> = { [a]: 'DAL · Dallas DC', [b]: 'NYC · Brooklyn' };
    expect(readableSummary(`${a} ships it all; ${b} was closer but ${a} is cheaper`, (id) => names[id]!, [a, b])).toBe(
      'DAL · Dallas DC ships it all; NYC · Brooklyn was closer but DAL · Dallas DC is cheaper',
    );
  });

  it('leaves a summary without those ids as it is', () => {
    expect(readableSummary('No eligible location', () => 'x', ['L1'])).toBe('No eligible location');
  });
});

describe('midday', () => {
  it('is noon UTC of the day, which any time zone within 12 h still shows as that day', () => {
    expect(midday('2026-11-29')).toBe('2026-11-29T12:00:00Z');
    expect(new Date(midday('2026-11-29')).toLocaleDateString('en-US', { timeZone: 'Pacific/Honolulu' })).toBe('11/29/2026');
    expect(new Date(midday('2026-11-29')).toLocaleDateString('en-US', { timeZone: 'Asia/Tokyo' })).toBe('11/29/2026');
  });
});

describe('labels', () => {
  it('every strategy and elimination reason has words for people', () => {
    for (const label of [...Object.values(STRATEGY_LABELS), ...Object.values(ELIMINATION_LABELS)]) expect(label.trim()).not.toBe('');
  });
});
