import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { FALLBACK_LEAD_TIME_DAYS } from '#server/replenishment/plan-restock.ts';
import { AFFECTED_CAP, commonThresholds, defineRule, type Finding } from '../alert-rule.ts';

const Thresholds = z
  .strictObject({
    /** Without a forecast for the SKU × location, demand is its units ordered there over these days. */
    recentDemandDays: z.number().int().min(1).max(365).default(28),
    /**
     * A level raises when it lacks at least this many units over its lead time (or before its next
     * arrival)… (a slow seller a unit or two short until tomorrow's receipt is the reorder policy at
     * work, not an alert: a quiet simulated month had a hundred of those)
     */
    minShortUnits: z.number().positive().max(1_000_000).default(5),
    /** …that are at least this many days of its demand (a gap of hours before a receipt is no alert). */
    minShortDays: z.number().min(0).max(365).default(1),
    /** …and a live alert holds until available + inbound cover the lead time's demand with this margin (0.1 = 10% more). */
    clearMargin: z.number().min(0).max(10).default(0.1),
    /** Lead time for SKUs without a planner's, a supplier's or a SKU term's. */
    fallbackLeadTimeDays: z.number().int().min(0).max(365).default(FALLBACK_LEAD_TIME_DAYS),
    /** Most SKU × location alerts a round opens or updates, the largest shortfalls first. */
    maxFindings: z.number().int().min(1).max(10_000).default(200),
    ...commonThresholds,
    // Stock moves by the minute, forecasts by the day: every half minute reads both in one statement.
    everySeconds: commonThresholds.everySeconds.default(30),
  });
type Thresholds = z.infer<typeof Thresholds>;

export interface StockRow {
  sku: string;
  location_id: string;
  location_code: string;
  on_hand: number;
  reserved: number;
  lead_time_days: number;
  supplier_id: string | null;
  inbound: number;
  inbound_within_lead: number;
  next_inbound_at: Date | string | null;
  forecast_demand: number | null;
  forecast_run_id: string | null;
  recent_units: number;
  backordered_units: number;
  backordered_orders: string[] | null;
}

const DAY_MS = 86_400_000;

/** Pure: the position of one SKU at one location against the demand of its lead time. */
export function assessStock(r: StockRow, t: Thresholds, now: Date, held: boolean) {
  const available = r.on_hand - r.reserved;
  const leadDays = Math.max(1, r.lead_time_days);
  const demandSource = r.forecast_demand !== null ? 'forecast' : 'recent_orders';
  const demandOverLeadTime = r.forecast_demand ?? (r.recent_units / t.recentDemandDays) * leadDays;
  const dailyDemand = demandOverLeadTime / leadDays;
  const position = available + r.inbound_within_lead;
  const nextMs = r.next_inbound_at === null ? null : new Date(r.next_inbound_at).getTime();
  // Stock must also last until the next arrival, whatever arrives later.
  const daysToArrival = nextMs === null ? leadDays : Math.min(leadDays, Math.max(0, (nextMs - now.getTime()) / DAY_MS));
  const beforeArrival = dailyDemand * daysToArrival - available;
  // A purchase order or transfer on its way within the lead time is the restock cycle at work: the
  // level is at risk only if it runs out before that arrival (by `minShortDays` of demand), not
  // because the lead time's demand outruns what is ordered (the next order will follow).
  const arrivingInTime = nextMs !== null && r.inbound_within_lead > 0 && nextMs - now.getTime() <= leadDays * DAY_MS;
  const shortUnits = arrivingInTime ? beforeArrival : Math.max(demandOverLeadTime - position, beforeArrival);
  // Backorders are the SKU's, network-wide: they wait on this level only where it sells.
  const waiting = available <= 0 && r.backordered_units > 0 && dailyDemand > 0;
  const short = shortUnits >= t.minShortUnits && shortUnits >= t.minShortDays * dailyDemand;
  const heldShort = arrivingInTime ? available < dailyDemand * daysToArrival : position < demandOverLeadTime * (1 + t.clearMargin) || available < dailyDemand * daysToArrival;
  const atRisk = held ? heldShort || waiting : short || waiting;
  return {
    available,
    position,
    leadDays: r.lead_time_days,
    demandSource,
    demandOverLeadTime,
    dailyDemand,
    daysOfCover: dailyDemand > 0 ? Math.max(0, available) / dailyDemand : null,
    shortUnits: Math.max(0, shortUnits),
    waiting,
    atRisk,
  };
}

const round = (n: number | null, digits = 2) => (n === null || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));

/**
 * A SKU at a location that will run out before more arrives: available plus what is due within
 * the lead time (open purchase orders and transfers) under the demand of that lead time (the
 * latest successful forecast run's points, else the location's recent orders), or available
 * stock not lasting until the next arrival. At zero available with backordered orders waiting,
 * critical. One statement: levels, lead times, inbound, forecast and recent demand in one snapshot.
 */
export const stockOutRisk = defineRule({
  key: 'stock_out_risk',
  description: 'Available plus inbound stock of a SKU at a location will not cover the demand of its lead time',
  defaultSeverity: 'warning',
  thresholds: Thresholds,
  async evaluate({ db, now, thresholds: t, live, severity }) {
    const today = now.toISOString().slice(0, 10);
    const recentFrom = new Date(now.getTime() - t.recentDemandDays * DAY_MS);
    const result = await db.execute<StockRow & Record<string, unknown>>(sql`
      with run as (
        select id from forecast_runs where status = 'succeeded' order by started_at desc limit 1
      ), levels as (
        select l.sku, l.location_id, loc.code as location_code, l.on_hand, l.reserved
        from inventory_levels l
        join locations loc on loc.id = l.location_id and loc.active
        join products p on p.sku = l.sku and p.active
      ), leads as (
        select lv.sku, lv.location_id,
          coalesce(rs.lead_time_days, sp.lead_time_days, su.lead_time_days, ${t.fallbackLeadTimeDays}::int) as lead_time_days, sp.supplier_id
        from levels lv
        left join replenishment_settings rs on rs.sku = lv.sku and rs.location_id = lv.location_id
        left join supplier_products sp on sp.sku = lv.sku and sp.preferred and sp.active
        left join suppliers su on su.id = sp.supplier_id and su.active
      ), incoming(sku, location_id, quantity, expected_at) as (
        select pl.sku, po.location_id, pl.quantity_ordered - pl.quantity_received, po.expected_at
        from purchase_orders po join purchase_order_lines pl on pl.purchase_order_id = po.id
        where po.status in ('submitted', 'partially_received') and pl.quantity_ordered > pl.quantity_received
        union all
        select tl.sku, tr.to_location_id, case when tr.status = 'requested' then tl.quantity else tl.quantity_shipped - tl.quantity_received end, tr.expected_at
        from transfers tr join transfer_lines tl on tl.transfer_id = tr.id
        where tr.status in ('requested', 'shipped', 'partially_received')
      ), inbound as (
        select i.sku, i.location_id, sum(i.quantity)::int as inbound,
          coalesce(sum(i.quantity) filter (where i.expected_at <= ${now}::timestamptz + make_interval(days => ld.lead_time_days)), 0)::int as inbound_within_lead,
          min(i.expected_at) as next_inbound_at
        from incoming i join leads ld on ld.sku = i.sku and ld.location_id = i.location_id
        where i.quantity > 0
        group by i.sku, i.location_id
      ), recent as (
        select a.sku, a.location_id, sum(a.quantity)::int as units
        from orders o join order_allocations a on a.order_id = o.id
        where o.placed_at >= ${recentFrom} and o.placed_at < ${now} and o.status <> 'cancelled'
        group by a.sku, a.location_id
      ), waiting as (
        select ol.sku, sum(ol.backordered_quantity)::int as units, array_agg(distinct o.id::text) as orders
        from orders o join order_lines ol on ol.order_id = o.id
        where o.status = 'backordered' and ol.backordered_quantity > 0
        group by ol.sku
      )
      select lv.sku, lv.location_id, lv.location_code, lv.on_hand, lv.reserved, ld.lead_time_days, ld.supplier_id,
        coalesce(ib.inbound, 0) as inbound, coalesce(ib.inbound_within_lead, 0) as inbound_within_lead, ib.next_inbound_at,
        fc.demand as forecast_demand, fc.run_id as forecast_run_id,
        coalesce(rc.units, 0) as recent_units, coalesce(w.units, 0) as backordered_units, w.orders as backordered_orders
      from levels lv
      join leads ld on ld.sku = lv.sku and ld.location_id = lv.location_id
      left join inbound ib on ib.sku = lv.sku and ib.location_id = lv.location_id
      left join recent rc on rc.sku = lv.sku and rc.location_id = lv.location_id
      left join waiting w on w.sku = lv.sku
      left join lateral (
        select fs.run_id, coalesce(sum((p ->> 'forecast')::float8) filter (
          where p ->> 'date' >= ${today} and (p ->> 'date')::date < ${today}::date + greatest(ld.lead_time_days, 1)), 0)::float8 as demand
        from run join forecast_series fs on fs.run_id = run.id and fs.sku = lv.sku and fs.location_key = lv.location_id::text
        cross join lateral jsonb_array_elements(fs.points) p
        group by fs.run_id
      ) fc on true
      where lv.on_hand - lv.reserved <= coalesce(fc.demand, rc.units::float8 / ${t.recentDemandDays}::float8 * greatest(ld.lead_time_days, 1)) * (1 + ${t.clearMargin}::float8) + 1
        or w.units > 0`);

    const assessed = result.rows
      .map((r) => ({ r, a: assessStock(r, t, now, live.has(`sku:${r.sku}@${r.location_id}`)) }))
      .filter(({ a }) => a.atRisk)
      .sort((x, y) => Number(y.a.waiting) - Number(x.a.waiting) || y.a.shortUnits - x.a.shortUnits)
      .slice(0, t.maxFindings);

    return assessed.map(({ r, a }): Finding => {
      const orders = [...(r.backordered_orders ?? [])].sort();
      const suggestedQuantity = Math.ceil(a.shortUnits + (a.waiting ? r.backordered_units : 0));
      const cover = a.daysOfCover === null ? '' : `, ${a.daysOfCover.toFixed(1)} days of cover`;
      return {
        subject: `sku:${r.sku}@${r.location_id}`,
        severity: a.waiting ? 'critical' : severity,
        title: a.waiting
          ? `${r.sku} is out at ${r.location_code} with ${r.backordered_units} units backordered`
          : `${r.sku} at ${r.location_code} runs out before restock (${Math.ceil(a.shortUnits)} units short)`,
        detail:
          `${a.available} available and ${r.inbound_within_lead} due within the ${r.lead_time_days}-day lead time (${r.inbound} inbound in all${cover}) ` +
          `against ${a.demandOverLeadTime.toFixed(1)} units of ${a.demandSource === 'forecast' ? 'forecast' : `recent (${t.recentDemandDays}-day)`} demand` +
          `${r.backordered_units > 0 ? `; ${r.backordered_units} units backordered across ${orders.length} orders` : ''}.`,
        locationId: r.location_id,
        affected: { skus: [r.sku], locationId: r.location_id, orders: orders.slice(0, AFFECTED_CAP), ordersTotal: orders.length },
        measured: {
          available: a.available,
          onHand: r.on_hand,
          reserved: r.reserved,
          inbound: r.inbound,
          inboundWithinLeadTime: r.inbound_within_lead,
          nextInboundAt: r.next_inbound_at === null ? null : new Date(r.next_inbound_at).toISOString(),
          leadTimeDays: r.lead_time_days,
          demandOverLeadTime: round(a.demandOverLeadTime),
          dailyDemand: round(a.dailyDemand, 3),
          daysOfCover: round(a.daysOfCover, 1),
          demandSource: a.demandSource,
          forecastRunId: r.forecast_run_id,
          shortUnits: round(a.shortUnits),
          suggestedQuantity,
          backorderedUnits: r.backordered_units,
          supplierId: r.supplier_id,
        },
      };
    });
  },
});
