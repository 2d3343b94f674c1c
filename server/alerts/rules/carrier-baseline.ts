/**
 * What share of a carrier service's parcels is usually late, by weekday, when its own history is
 * short: an empirical-Bayes (beta) estimate. The other carriers' share (same service, same
 * weekdays) is the prior, worth at most `priorParcels` parcels; the carrier's own parcels count
 * one each, so its own rhythm takes over as they grow. Pure functions.
 */

/** Baseline parcels and how many of them were late. */
export interface LateTally {
  parcels: number;
  late: number;
}

/** The same per weekday of the promised day (ISO, 1 = Monday). */
export interface WeekdayTally extends LateTally {
  dow: number;
}

export interface BaselineShares {
  /** `trailing`: the carrier's own baseline (alone, or with the network's worth of parcels beside it); `network`: mostly the other carriers'. */
  source: 'trailing' | 'network';
  /** The usual late share of any day, and the parcels it rests on (own + prior). */
  overall: { share: number; parcels: number };
  /** The network prior used: the other carriers' share and its weight in parcels (0: none). */
  prior: { share: number; parcels: number };
  /** Per weekday: the usual share and the parcels it rests on. */
  weekday(dow: number): { share: number; parcels: number };
}

export interface BaselineSettings {
  /** Fewer parcels than this (own + prior) know nothing: the caller falls back to a fixed share. */
  minBaselineParcels: number;
  /** Most parcels the other carriers' share counts as (how far a short history is pulled to it). */
  priorParcels: number;
  /** A weekday's share is pulled to the carrier's overall share as if by this many parcels. */
  weekdayParcels: number;
}

/** Sums tallies (several carriers' baselines into the network's), weekday by weekday. */
export function sumTallies(tallies: readonly { overall: LateTally; strata: readonly WeekdayTally[] }[]): { overall: LateTally; strata: WeekdayTally[] } {
  const byDow = new Map<number, WeekdayTally>();
  let parcels = 0;
  let late = 0;
  for (const t of tallies) {
    parcels += t.overall.parcels;
    late += t.overall.late;
    for (const d of t.strata) {
      const s = byDow.get(d.dow) ?? { dow: d.dow, parcels: 0, late: 0 };
      byDow.set(d.dow, { dow: d.dow, parcels: s.parcels + d.parcels, late: s.late + d.late });
    }
  }
  return { overall: { parcels, late }, strata: [...byDow.values()].sort((a, b) => a.dow - b.dow) };
}

/**
 * The carrier's usual late share overall and by weekday, or null when neither it nor the network
 * has `minBaselineParcels` to go by. The network (the other carriers) counts only from
 * `minBaselineParcels` of its own; a weekday of the network's with `weekdayParcels` or more sets
 * that weekday's prior as the network's weekday share scaled by the carrier's overall against the
 * network's (weekends lift every carrier's lateness alike).
 */
export function baselineShares(
  own: { overall: LateTally; strata: readonly WeekdayTally[] },
  network: { overall: LateTally; strata: readonly WeekdayTally[] } | null,
  s: BaselineSettings,
): BaselineShares | null {
  const networkShare = network && network.overall.parcels >= s.minBaselineParcels ? network.overall.late / network.overall.parcels : null;
  const m = networkShare === null ? 0 : Math.min(s.priorParcels, network!.overall.parcels);
  const parcels = own.overall.parcels + m;
  if (parcels < s.minBaselineParcels || parcels <= 0) return null;
  const share = (m * (networkShare ?? 0) + own.overall.late) / parcels;
  const ownByDow = new Map(own.strata.map((d) => [d.dow, d]));
  const networkByDow = new Map((network?.strata ?? []).map((d) => [d.dow, d]));
  return {
    source: own.overall.parcels >= s.minBaselineParcels ? 'trailing' : 'network',
    overall: { share, parcels },
    prior: { share: networkShare ?? 0, parcels: m },
    weekday(dow) {
      const n = networkByDow.get(dow);
      const lift = networkShare !== null && networkShare > 0 && n && n.parcels >= s.weekdayParcels ? n.late / n.parcels / networkShare : 1;
      const prior = Math.min(share * lift, 0.99);
      const o = ownByDow.get(dow) ?? { parcels: 0, late: 0 };
      const weight = Math.min(s.weekdayParcels, parcels);
      return { share: (weight * prior + o.late) / (weight + o.parcels), parcels: weight + o.parcels };
    },
  };
}

/**
 * Late parcels to expect among `counts` (parcels per weekday; `dow` null: any day) at the usual shares, and the
 * variance of the count: each parcel's own chance (binomial) plus each share's own uncertainty
 * (a beta posterior's, share × (1 − share) / (parcels + 1)), scaled to the parcels judged.
 */
export function expectedLate(counts: readonly { dow: number | null; parcels: number }[], shares: BaselineShares): { expected: number; variance: number } {
  let expected = 0;
  let variance = 0;
  for (const c of counts) {
    if (c.parcels <= 0) continue;
    const w = c.dow === null ? shares.overall : shares.weekday(c.dow);
    expected += c.parcels * w.share;
    variance += c.parcels * w.share * (1 - w.share) + (c.parcels * c.parcels * w.share * (1 - w.share)) / (w.parcels + 1);
  }
  return { expected, variance };
}
