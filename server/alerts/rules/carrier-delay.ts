import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';
import { oneProportionZ } from '../proportion-test.ts';
import { baselineShares, expectedLate, sumTallies } from './carrier-baseline.ts';

const Thresholds = z
  .strictObject({
    /** Parcels promised within this many hours before now are the recent ones (overdue or delivered). */
    windowHours: z.number().int().min(6).max(24 * 14).default(48),
    /** The carrier's own baseline: parcels promised in the days before the window. */
    baselineDays: z.number().int().min(1).max(180).default(28),
    /** Fewer recent parcels than this prove nothing. */
    minParcels: z.number().int().min(1).max(1_000_000).default(20),
    /**
     * The first due batch: parcels promised within this many hours before now, judged by how many
     * passed their promise undelivered. A promised day's parcels all fall due at its end, so a
     * slowdown shows in the round after its first slowed parcels' day passes.
     */
    dueHours: z.number().int().min(1).max(24 * 7).default(24),
    /** Fewer due parcels than this prove nothing (a day's batch of a carrier service is often 10–40). */
    minDueParcels: z.number().int().min(1).max(1_000_000).default(10),
    /**
     * The due batch's lift over its weekdays' share (a slowdown makes 40–80% of its parcels late; a
     * busy week's late hand-overs lifted a simulated carrier's due batch 17 points with no slowdown).
     */
    minDueLift: z.number().min(0).max(1).default(0.2),
    /**
     * Baseline parcels a usual share needs: the carrier's own, or its own plus the other carriers'
     * worth (`priorParcels`); the transit-time signal needs this many of its own.
     */
    // 30: a simulated 300 orders a day gives a carrier's express service 90 parcels in 6 days.
    minBaselineParcels: z.number().int().min(1).max(1_000_000).default(30),
    /**
     * The other carriers' late share (same service, same weekdays) counts as this many parcels of a
     * carrier's own: a short history is pulled to the network's rhythm, a long one speaks for itself.
     */
    priorParcels: z.number().int().min(0).max(1_000_000).default(30),
    /**
     * With no baseline anywhere (a fresh network: simulated regional parcels ran 38–48% late in
     * fresh December runs) a carrier is held to half its parcels late.
     */
    fallbackLateShare: z.number().gt(0).lt(1).default(0.5),
    /** The late share must also rise this much (0.15 = 15 points; a slowdown makes 40–80% of parcels late)… */
    minLift: z.number().min(0).max(1).default(0.15),
    /** …or delivered parcels take this many hours longer on average. */
    minExtraTransitHours: z.number().min(0).max(24 * 30).default(12),
    /** Carriers' lateness has its own rhythms (zones, weekdays): a stricter z than a single rate needs. */
    raiseZ: z.number().positive().max(100).default(4),
    clearZ: z.number().min(0).max(100).default(2),
    /** Critical when this share of the recent parcels is late. */
    criticalLateShare: z.number().gt(0).max(1).default(0.5),
    ...commonThresholds,
    // Promised dates pass at midnight and deliveries come in batches: a minute between rounds is plenty.
    everySeconds: commonThresholds.everySeconds.default(60),
  })
  .refine((t) => t.clearZ <= t.raiseZ, { path: ['clearZ'], message: 'must not be above raiseZ' });
type Thresholds = z.infer<typeof Thresholds>;

export interface CarrierCounts {
  carrier: string;
  service: string;
  recent: number;
  recent_late: number;
  /** Of the late ones: still in transit past their promise. */
  recent_overdue: number;
  recent_delivered: number;
  recent_transit_mean: number | null;
  recent_transit_sd: number | null;
  baseline: number;
  baseline_late: number;
  baseline_delivered: number;
  baseline_transit_mean: number | null;
  baseline_transit_sd: number | null;
  /** Of the recent: promised within the last `dueHours` (the latest due batch), and of those, late. */
  due?: number;
  due_late?: number;
  /** The same counts per weekday of the promised day (ISO, 1 = Monday). */
  strata?: { dow: number; recent: number; recentLate: number; due?: number; dueLate?: number; baseline: number; baselineLate: number }[] | null;
  /** The other carriers' baselines (`withNetworkPriors`): the prior of a short history. */
  network?: NetworkTally | null;
}

/** A weekday's usual share is pulled to the carrier's overall one as if by this many parcels. */
const WEEKDAY_PARCELS = 20;

/** The other carriers' baselines summed, weekday by weekday (the prior of a carrier with a short history). */
export interface NetworkTally {
  baseline: number;
  baselineLate: number;
  strata: { dow: number; baseline: number; baselineLate: number }[];
}

const tally = (c: { baseline: number; baseline_late: number; strata?: CarrierCounts['strata'] }) => ({
  overall: { parcels: c.baseline, late: c.baseline_late },
  strata: (c.strata ?? []).map((d) => ({ dow: d.dow, parcels: d.baseline, late: d.baselineLate })),
});

/**
 * Each row's network: the other carriers' baselines of the same service, or of all their services
 * where that service has fewer than `minParcels` (and for a whole carrier, `service` ''). A
 * carrier's own slowdown never lifts its own prior.
 */
export function withNetworkPriors(rows: readonly CarrierCounts[], all: readonly CarrierCounts[], minParcels: number): CarrierCounts[] {
  return rows.map((c) => {
    const others = all.filter((o) => o.carrier !== c.carrier && o.service !== '');
    const sameService = others.filter((o) => o.service === c.service);
    const sum = sumTallies((sameService.reduce((n, o) => n + o.baseline, 0) >= minParcels ? sameService : others).map(tally));
    return {
      ...c,
      network: {
        baseline: sum.overall.parcels,
        baselineLate: sum.overall.late,
        strata: sum.strata.map((d) => ({ dow: d.dow, baseline: d.parcels, baselineLate: d.late })),
      },
    };
  });
}

/**
 * Pure: the signals of one carrier service and whether they cross the raise (or, live, the clear)
 * threshold. The usual late share is the carrier's own by weekday, its short history pulled to
 * the other carriers' (carrier-baseline.ts); with too little of either, `fallbackLateShare`.
 */
export function assessCarrier(c: CarrierCounts, t: Thresholds, held: boolean) {
  const lateShare = c.recent > 0 ? c.recent_late / c.recent : 0;
  const fromBaseline = c.baseline >= t.minBaselineParcels;
  const network = c.network ? { overall: { parcels: c.network.baseline, late: c.network.baselineLate }, strata: c.network.strata.map((d) => ({ dow: d.dow, parcels: d.baseline, late: d.baselineLate })) } : null;
  const shares = baselineShares(tally(c), network, { minBaselineParcels: t.minBaselineParcels, priorParcels: t.priorParcels, weekdayParcels: WEEKDAY_PARCELS });
  const strata = c.strata ?? [];
  // Late shares differ by the weekday a parcel is due (one a day late on a Friday arrives on Monday):
  // the window and the due batch are held to the usual share of the weekdays they hold.
  const judge = (parcels: number, late: number, byDow: (d: NonNullable<CarrierCounts['strata']>[number]) => number) => {
    if (!shares) return { usual: t.fallbackLateShare, z: oneProportionZ(late, parcels, t.fallbackLateShare) };
    if (parcels <= 0) return { usual: shares.overall.share, z: 0 };
    const counts = strata.length > 0 ? strata.map((d) => ({ dow: d.dow, parcels: byDow(d) })) : [{ dow: null, parcels }];
    const { expected, variance } = expectedLate(counts, shares);
    return { usual: expected / parcels, z: variance > 0 ? (late - expected) / Math.sqrt(variance) : 0 };
  };
  const window = judge(c.recent, c.recent_late, (d) => d.recent);
  // The latest due batch (the first slowed parcels due).
  const due = c.due ?? 0;
  const dueLate = c.due_late ?? 0;
  const dueShare = due > 0 ? dueLate / due : 0;
  const batch = judge(due, dueLate, (d) => d.due ?? 0);
  const extraTransitHours = c.recent_transit_mean !== null && c.baseline_transit_mean !== null ? c.recent_transit_mean - c.baseline_transit_mean : null;
  // Welch's z for the mean transit time (large samples): the recent mean against the baseline's.
  const se = Math.sqrt((c.recent_transit_sd ?? 0) ** 2 / Math.max(c.recent_delivered, 1) + (c.baseline_transit_sd ?? 0) ** 2 / Math.max(c.baseline_delivered, 1));
  const transitZ = extraTransitHours !== null && se > 0 && fromBaseline ? extraTransitHours / se : 0;
  const threshold = held ? t.clearZ : t.raiseZ;
  const lateSignal = c.recent >= t.minParcels && window.z >= threshold && lateShare - window.usual >= t.minLift;
  // Transit is counted in calendar hours: a weekend or holiday lengthens it while fewer parcels than
  // usual miss their promise (promises count business days). A slower carrier also misses more.
  const transitSignal =
    c.recent_delivered >= t.minParcels && transitZ >= threshold && (extraTransitHours ?? 0) >= t.minExtraTransitHours && lateShare >= window.usual;
  const dueSignal = due >= t.minDueParcels && batch.z >= threshold && dueShare - batch.usual >= (held ? t.minLift : t.minDueLift);
  return {
    lateShare,
    baselineLateShare: window.usual,
    lateZ: window.z,
    transitZ,
    extraTransitHours,
    fromBaseline,
    baseline: shares?.source ?? ('fallback' as const),
    priorShare: shares && shares.prior.parcels > 0 ? shares.prior.share : null,
    priorParcels: shares?.prior.parcels ?? 0,
    lateSignal,
    transitSignal,
    dueShare,
    dueBaselineShare: batch.usual,
    dueZ: batch.z,
    dueSignal,
  };
}

/**
 * A carrier's services summed into one row (subject `carrier:<name>`): a slowdown of the whole
 * carrier shows sooner in all its due parcels than in each service's. Transit times are not summed.
 */
export function carrierTotals(rows: readonly CarrierCounts[]): CarrierCounts[] {
  const byCarrier = new Map<string, CarrierCounts[]>();
  for (const r of rows) byCarrier.set(r.carrier, [...(byCarrier.get(r.carrier) ?? []), r]);
  return [...byCarrier.entries()]
    .filter(([, services]) => services.length > 1)
    .map(([carrier, services]) => {
      const sum = (f: (c: CarrierCounts) => number | undefined) => services.reduce((n, c) => n + (f(c) ?? 0), 0);
      const strata = new Map<number, NonNullable<CarrierCounts['strata']>[number]>();
      for (const d of services.flatMap((c) => c.strata ?? [])) {
        const s = strata.get(d.dow) ?? { dow: d.dow, recent: 0, recentLate: 0, due: 0, dueLate: 0, baseline: 0, baselineLate: 0 };
        strata.set(d.dow, {
          dow: d.dow,
          recent: s.recent + d.recent,
          recentLate: s.recentLate + d.recentLate,
          due: (s.due ?? 0) + (d.due ?? 0),
          dueLate: (s.dueLate ?? 0) + (d.dueLate ?? 0),
          baseline: s.baseline + d.baseline,
          baselineLate: s.baselineLate + d.baselineLate,
        });
      }
      return {
        carrier,
        service: '',
        recent: sum((c) => c.recent),
        recent_late: sum((c) => c.recent_late),
        recent_overdue: sum((c) => c.recent_overdue),
        recent_delivered: 0,
        recent_transit_mean: null,
        recent_transit_sd: null,
        baseline: sum((c) => c.baseline),
        baseline_late: sum((c) => c.baseline_late),
        baseline_delivered: 0,
        baseline_transit_mean: null,
        baseline_transit_sd: null,
        due: sum((c) => c.due),
        due_late: sum((c) => c.due_late),
        strata: [...strata.values()],
      };
    });
}

const HOUR_MS = 3_600_000;
const round = (n: number | null, digits = 3) => (n === null || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));

/**
 * A carrier service delivering later than its own baseline. Early: parcels promised in the
 * recent window that are still in transit past their promise count as late already, so a
 * slowdown shows the day its first parcels miss, before they arrive; delivered transit times
 * of the window against the baseline's confirm it. One alert per carrier and service
 * (`carrier:<name>:<service>`).
 */
export const carrierDelay = defineRule({
  key: 'carrier_delay',
  description: "A carrier's parcels arrive late (or are overdue in transit) far more often than its own baseline",
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const windowFrom = new Date(now.getTime() - t.windowHours * HOUR_MS);
    const dueFrom = new Date(now.getTime() - Math.min(t.dueHours, t.windowHours) * HOUR_MS);
    const baselineFrom = new Date(windowFrom.getTime() - t.baselineDays * 24 * HOUR_MS);
    // Carriers by a loose index scan, then each service's parcels by promised date (shipments_carrier_promised_idx).
    const result = await db.execute<CarrierCounts & Record<string, unknown>>(sql`
      with recursive carriers(carrier) as (
        select min(carrier) from shipments where carrier is not null
        union all
        select (select min(s.carrier) from shipments s where s.carrier > c.carrier) from carriers c where c.carrier is not null
      ), parcels as (
        select c.carrier, v.service, s.promised_at, s.shipped_at, s.delivered_at, s.order_id,
          s.promised_at >= ${windowFrom} as recent, s.promised_at >= ${dueFrom} as due, extract(isodow from s.promised_at at time zone 'UTC')::int as dow,
          (s.delivered_at is not null and s.delivered_at > s.promised_at) or (s.delivered_at is null and s.status in ('shipped', 'exception')) as late,
          s.delivered_at is null and s.status in ('shipped', 'exception') as overdue,
          extract(epoch from s.delivered_at - s.shipped_at) / 3600 as transit_hours
        from carriers c
        cross join unnest(enum_range(null::delivery_service)) v(service)
        join shipments s on s.carrier = c.carrier and s.service = v.service and s.promised_at >= ${baselineFrom} and s.promised_at < ${now}
        where c.carrier is not null and s.shipped_at is not null and s.status in ('shipped', 'delivered', 'exception', 'returned_to_sender')
      )
      , by_day as (
        select carrier, service, dow,
          count(*) filter (where recent)::int as recent, count(*) filter (where recent and late)::int as recent_late,
          count(*) filter (where due)::int as due, count(*) filter (where due and late)::int as due_late,
          count(*) filter (where not recent)::int as baseline, count(*) filter (where not recent and late)::int as baseline_late
        from parcels group by carrier, service, dow
      )
      select p.carrier, p.service::text as service,
        count(*) filter (where recent)::int as recent,
        count(*) filter (where recent and late)::int as recent_late,
        count(*) filter (where recent and overdue)::int as recent_overdue,
        count(*) filter (where due)::int as due,
        count(*) filter (where due and late)::int as due_late,
        count(transit_hours) filter (where recent)::int as recent_delivered,
        avg(transit_hours) filter (where recent)::float8 as recent_transit_mean,
        stddev_samp(transit_hours) filter (where recent)::float8 as recent_transit_sd,
        count(*) filter (where not recent)::int as baseline,
        count(*) filter (where not recent and late)::int as baseline_late,
        count(transit_hours) filter (where not recent)::int as baseline_delivered,
        avg(transit_hours) filter (where not recent)::float8 as baseline_transit_mean,
        stddev_samp(transit_hours) filter (where not recent)::float8 as baseline_transit_sd,
        (select jsonb_agg(jsonb_build_object('dow', d.dow, 'recent', d.recent, 'recentLate', d.recent_late, 'due', d.due, 'dueLate', d.due_late, 'baseline', d.baseline, 'baselineLate', d.baseline_late))
         from by_day d where d.carrier = p.carrier and d.service = p.service) as strata
      from parcels p
      group by p.carrier, p.service
      order by p.carrier, p.service`);

    const findings: Finding[] = [];
    const raised = (c: CarrierCounts, subject: string) => {
      const a = assessCarrier(c, t, live.has(subject));
      return a.lateSignal || a.transitSignal || a.dueSignal ? a : null;
    };
    // Each judged beside the other carriers (their baselines are the prior of a short history).
    const services = withNetworkPriors(result.rows, result.rows, t.minBaselineParcels);
    const totals = withNetworkPriors(carrierTotals(result.rows), result.rows, t.minBaselineParcels);
    // The whole carrier speaks only where none of its services does on its own (one alert, not two).
    const servicesRaised = new Set(services.filter((c) => raised(c, `carrier:${c.carrier}:${c.service}`)).map((c) => c.carrier));
    for (const c of [...totals.filter((c) => !servicesRaised.has(c.carrier)), ...services]) {
      const whole = c.service === '';
      const subject = whole ? `carrier:${c.carrier}` : `carrier:${c.carrier}:${c.service}`;
      const a = raised(c, subject);
      if (!a) continue;
      // The late parcels' orders, those still in transit first (they can still be helped).
      const orders = await db.execute<{ order_id: string; total: number }>(sql`
        select order_id, (count(*) over ())::int as total from (
          select s.order_id, bool_or(s.delivered_at is null) as overdue, min(s.promised_at) as promised_at
          from shipments s
          where s.carrier = ${c.carrier} and (${whole}::boolean or s.service::text = ${c.service}) and s.promised_at >= ${windowFrom} and s.promised_at < ${now}
            and s.shipped_at is not null and s.status in ('shipped', 'delivered', 'exception', 'returned_to_sender')
            and ((s.delivered_at is not null and s.delivered_at > s.promised_at) or (s.delivered_at is null and s.status in ('shipped', 'exception')))
          group by s.order_id
        ) late
        order by overdue desc, promised_at, order_id
        limit ${AFFECTED_CAP}`);
      const pct = (r: number) => `${(r * 100).toFixed(0)}%`;
      const critical = a.lateShare >= t.criticalLateShare || (a.dueSignal && a.dueShare >= t.criticalLateShare);
      const transit =
        a.extraTransitHours !== null && c.recent_delivered > 0 ? `; delivered ones took ${(a.extraTransitHours / 24).toFixed(1)} days longer than usual (z = ${a.transitZ.toFixed(1)})` : '';
      const name = whole ? c.carrier : `${c.carrier} ${c.service}`;
      const dueOnly = a.dueSignal && !a.lateSignal && !a.transitSignal;
      findings.push({
        subject,
        severity: critical ? 'critical' : severity,
        title: dueOnly
          ? `${name}: ${pct(a.dueShare)} of parcels due in the last ${t.dueHours} h passed their promise undelivered (usually ${pct(a.dueBaselineShare)})`
          : `${name}: ${pct(a.lateShare)} of parcels late (usually ${pct(a.baselineLateShare)})`,
        detail:
          `${c.recent_late} of ${c.recent} parcels promised in the last ${t.windowHours} h are late, ${c.recent_overdue} of them still in transit past their promise, ` +
          `against ${
            a.baseline === 'fallback'
              ? `an expected ${pct(t.fallbackLateShare)} (too little baseline anywhere)`
              : a.baseline === 'network'
                ? `an expected ${pct(a.baselineLateShare)} (${c.baseline_late} of ${c.baseline} of its own in the ${t.baselineDays} days before, beside the other carriers' ${pct(a.priorShare ?? 0)} worth ${a.priorParcels} parcels)`
                : `${c.baseline_late} of ${c.baseline} in the ${t.baselineDays} days before`
          }` +
          ` (z = ${a.lateZ.toFixed(1)})${transit}; of the ${c.due ?? 0} due in the last ${t.dueHours} h, ${c.due_late ?? 0} missed their promise (z = ${a.dueZ.toFixed(1)}).`,
        locationId: null,
        affected: {
          carrier: c.carrier,
          service: whole ? null : c.service,
          orders: orders.rows.map((o) => o.order_id),
          ordersTotal: orders.rows[0]?.total ?? 0,
          parcelsLate: c.recent_late,
          parcelsOverdue: c.recent_overdue,
        },
        measured: {
          lateShare: round(a.lateShare),
          baselineLateShare: round(a.baselineLateShare),
          lateZ: round(a.lateZ),
          recentParcels: c.recent,
          recentLate: c.recent_late,
          recentOverdue: c.recent_overdue,
          baselineParcels: c.baseline,
          baselineLate: c.baseline_late,
          recentTransitHours: round(c.recent_transit_mean, 1),
          baselineTransitHours: round(c.baseline_transit_mean, 1),
          extraTransitHours: round(a.extraTransitHours, 1),
          transitZ: round(a.transitZ),
          dueParcels: c.due ?? 0,
          dueLate: c.due_late ?? 0,
          dueShare: round(a.dueShare),
          dueBaselineShare: round(a.dueBaselineShare),
          dueZ: round(a.dueZ),
          baseline: a.baseline,
          priorShare: round(a.priorShare),
          priorParcels: a.priorParcels,
          signals: [a.lateSignal && 'late_share', a.transitSignal && 'transit_time', a.dueSignal && 'due_batch'].filter(Boolean),
        },
      });
    }
    return findings;
  },
});
