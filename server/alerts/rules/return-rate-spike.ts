import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';
import { twoProportionZ } from '../proportion-test.ts';

const Thresholds = z
  .strictObject({
    /** Returns requested over the last days… */
    windowDays: z.number().int().min(1).max(90).default(7),
    /** …against the SKU's own rate over the days before. */
    baselineDays: z.number().int().min(7).max(730).default(90),
    /**
     * Returns follow sales by about a week: each window's returns are set against the units sold
     * this many days earlier, so a promotion's sales and their returns fall in matching windows.
     */
    returnLagDays: z.number().int().min(0).max(90).default(7),
    /** Returns of a sale come within this many days (the return window): a SKU's baseline starts that long after its first sale. */
    returnMaturityDays: z.number().int().min(0).max(365).default(30),
    /** Fewer returned units in the window, or fewer units sold against them, prove nothing. */
    minReturns: z.number().int().min(1).max(1_000_000).default(5),
    minSold: z.number().int().min(1).max(1_000_000).default(20),
    /** A SKU with fewer units sold over its baseline, or a baseline (once mature) shorter than this many days, has no rate of its own: not tested. */
    minBaselineSold: z.number().int().min(1).max(1_000_000).default(50),
    minBaselineDays: z.number().int().min(1).max(730).default(14),
    /** The rate must also be this many times its baseline… */
    minRatio: z.number().min(1).max(100).default(1.5),
    /** …and this many points above it (0.05 = 5 points). */
    minLift: z.number().min(0).max(1).default(0.05),
    /** Hundreds of SKUs are tested each round: a stricter z than a single rate needs. */
    raiseZ: z.number().positive().max(100).default(4),
    clearZ: z.number().min(0).max(100).default(2.5),
    criticalZ: z.number().positive().max(100).default(8),
    ...commonThresholds,
    // Return rates move over days: every five minutes is plenty for a scan of the baseline's sales.
    everySeconds: commonThresholds.everySeconds.default(300),
  })
  .refine((t) => t.clearZ <= t.raiseZ, { path: ['clearZ'], message: 'must not be above raiseZ' });
type Thresholds = z.infer<typeof Thresholds>;

export interface ReturnCounts {
  sku: string;
  recent_returned: number;
  baseline_returned: number;
  recent_sold: number;
  baseline_sold: number;
  /** Days of mature baseline the SKU has (its baseline may start after baselineDays ago). */
  baseline_days?: number;
  reasons: Record<string, number> | null;
  orders: string[] | null;
}

/** Pure: one SKU's recent return rate against its own baseline, and whether it crosses the raise (or, live, the clear) threshold. */
export function assessReturns(c: ReturnCounts, t: Thresholds, held: boolean) {
  // More returns than units sold (a lag longer than assumed) is read as all of them.
  const returned = Math.min(c.recent_returned, c.recent_sold);
  const baselineReturned = Math.min(c.baseline_returned, c.baseline_sold);
  const rate = c.recent_sold > 0 ? returned / c.recent_sold : 0;
  const baselineRate = c.baseline_sold > 0 ? baselineReturned / c.baseline_sold : 0;
  const z = twoProportionZ(returned, c.recent_sold, baselineReturned, c.baseline_sold);
  const tested = c.recent_returned >= t.minReturns && c.recent_sold >= t.minSold && c.baseline_sold >= t.minBaselineSold && (c.baseline_days ?? t.baselineDays) >= t.minBaselineDays;
  const spike = tested && z >= (held ? t.clearZ : t.raiseZ) && rate - baselineRate >= t.minLift && rate >= t.minRatio * baselineRate;
  return { rate, baselineRate, z, tested, spike };
}

const DAY_MS = 86_400_000;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/**
 * A SKU coming back far more often than it usually does (a bad batch, a wrong size chart, a
 * listing that misleads): returned units requested in the recent window per unit sold a lag
 * earlier, against the same ratio over the SKU's long baseline, by a two-proportion z-test.
 */
export const returnRateSpike = defineRule({
  key: 'return_rate_spike',
  description: "A SKU's return rate over the last days is significantly above its own long-run rate",
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const windowFrom = new Date(now.getTime() - t.windowDays * DAY_MS);
    const baselineFrom = new Date(windowFrom.getTime() - t.baselineDays * DAY_MS);
    const lag = t.returnLagDays * DAY_MS;
    const soldWindowFrom = new Date(windowFrom.getTime() - lag);
    const soldTo = new Date(now.getTime() - lag);
    const soldBaselineFrom = new Date(baselineFrom.getTime() - lag);
    // Returns by request date (returns_requested_idx); sales only of the SKUs returned in the window, by placement (orders_placed_idx).
    const maturity = t.returnMaturityDays * DAY_MS;
    const scanFrom = new Date(soldBaselineFrom.getTime() - maturity);
    // Returns by request date (returns_requested_idx); sales only of the SKUs returned in the window, by placement.
    // A SKU's baseline starts once its first sale in reach is returnMaturityDays old: before that, its returns
    // had not come in yet (a young history would read as a low rate, and every later week as a spike).
    const result = await db.execute<ReturnCounts & Record<string, unknown>>(sql`
      with candidates as (
        select rl.sku
        from returns r join return_lines rl on rl.return_id = r.id
        where r.requested_at >= ${windowFrom} and r.requested_at < ${now} and r.status <> 'cancelled'
        group by rl.sku
        having sum(rl.quantity) >= ${t.minReturns}
      ), sales as (
        select ol.sku, o.placed_at, ol.quantity
        from orders o join order_lines ol on ol.order_id = o.id
        where o.placed_at >= ${scanFrom} and o.placed_at < ${soldTo} and o.status <> 'cancelled' and ol.sku in (select sku from candidates)
      ), starts as (
        select sku, greatest(${baselineFrom}::timestamptz, min(placed_at) + ${`${t.returnMaturityDays} days`}::interval) as baseline_start
        from sales group by sku
      ), sold as (
        select s.sku,
          coalesce(sum(s.quantity) filter (where s.placed_at >= ${soldWindowFrom}), 0)::int as recent_sold,
          coalesce(sum(s.quantity) filter (where s.placed_at >= st.baseline_start - ${`${t.returnLagDays} days`}::interval and s.placed_at < ${soldWindowFrom}), 0)::int as baseline_sold
        from sales s join starts st on st.sku = s.sku
        group by s.sku
      ), returned as (
        select rl.sku,
          coalesce(sum(rl.quantity) filter (where r.requested_at >= ${windowFrom}), 0)::int as recent_returned,
          coalesce(sum(rl.quantity) filter (where r.requested_at >= st.baseline_start and r.requested_at < ${windowFrom}), 0)::int as baseline_returned,
          array_agg(distinct r.order_id::text) filter (where r.requested_at >= ${windowFrom}) as orders
        from returns r join return_lines rl on rl.return_id = r.id join starts st on st.sku = rl.sku
        where r.requested_at >= ${baselineFrom} and r.requested_at < ${now} and r.status <> 'cancelled'
        group by rl.sku
      ), reasons as (
        select sku, jsonb_object_agg(reason, units) as reasons from (
          select rl.sku, rl.reason, sum(rl.quantity)::int as units
          from returns r join return_lines rl on rl.return_id = r.id
          where r.requested_at >= ${windowFrom} and r.requested_at < ${now} and r.status <> 'cancelled' and rl.sku in (select sku from candidates)
          group by rl.sku, rl.reason
        ) by_reason group by sku
      )
      select r.sku, r.recent_returned, r.baseline_returned, coalesce(s.recent_sold, 0) as recent_sold, coalesce(s.baseline_sold, 0) as baseline_sold,
        rs.reasons, r.orders, (extract(epoch from ${windowFrom}::timestamptz - st.baseline_start) / 86400)::float8 as baseline_days
      from returned r left join sold s on s.sku = r.sku left join reasons rs on rs.sku = r.sku left join starts st on st.sku = r.sku
      order by r.sku`);

    const findings: Finding[] = [];
    for (const c of result.rows) {
      const subject = `sku:${c.sku}`;
      const a = assessReturns(c, t, live.has(subject));
      if (!a.spike) continue;
      const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
      const orders = [...(c.orders ?? [])].sort();
      const reasons = Object.entries(c.reasons ?? {}).sort((x, y) => y[1] - x[1]);
      findings.push({
        subject,
        severity: a.z >= t.criticalZ ? 'critical' : severity,
        title: `${c.sku} returns at ${pct(a.rate)} over ${t.windowDays} days (usually ${pct(a.baselineRate)})`,
        detail:
          `${c.recent_returned} units returned in the last ${t.windowDays} days for ${c.recent_sold} sold a week before, against ` +
          `${c.baseline_returned} for ${c.baseline_sold} over the ${t.baselineDays} days before (z = ${a.z.toFixed(1)})` +
          `${reasons.length > 0 ? `; mostly ${reasons[0]![0].replaceAll('_', ' ')} (${reasons[0]![1]})` : ''}.`,
        locationId: null,
        affected: { skus: [c.sku], orders: orders.slice(0, AFFECTED_CAP), ordersTotal: orders.length, returnedUnits: c.recent_returned },
        measured: {
          returnRate: round(a.rate),
          baselineRate: round(a.baselineRate),
          z: round(a.z),
          recentReturned: c.recent_returned,
          recentSold: c.recent_sold,
          baselineReturned: c.baseline_returned,
          baselineSold: c.baseline_sold,
          reasons: Object.fromEntries(reasons),
        },
      });
    }
    return findings;
  },
});
