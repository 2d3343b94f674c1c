/** A `location.updated` that changed `dailyCapacity` (a capacity cut or its end), as a trigger of its own. */
export const LOCATION_CAPACITY_CHANGED = 'location.capacity_changed';

/**
 * Which rules an event makes worth evaluating at once, besides the interval: outbox event types
 * as the relay delivers them, and `relay.batch` for any delivered batch (the relay's lag is
 * measured then). A rule not listed runs on the interval only. The engine debounces triggers and
 * still spaces a rule's rounds and takes its lock (alert-engine.ts).
 */
export const ruleTriggers: Readonly<Record<string, readonly string[]>> = {
  stuck_orders: ['order.allocated', 'order.picking_started', 'order.packed', 'order.shipped', 'order.held', 'order.released', 'order.cancelled', 'order.rerouted'],
  // A declined payment writes no outbox event (only its audit entry); placements move the rate too.
  payment_declines: ['order.placed'],
  pipeline_lag: ['relay.batch'],
  inventory_integrity: ['inventory.adjusted'],
  backlog_growth: ['order.placed', 'order.allocated', 'order.shipped', LOCATION_CAPACITY_CHANGED],
  stock_out_risk: ['inventory.adjusted', 'order.allocated', 'purchase_order.received', 'transfer.received'],
  return_rate_spike: ['return.requested', 'return.received'],
  carrier_delay: ['order.shipped', 'order.delivered'],
  promise_breach_risk: ['order.placed', 'order.picking_started', 'order.packed', 'order.shipped', 'order.service_upgraded', 'order.rerouted', LOCATION_CAPACITY_CHANGED],
};

/** An outbox event as the relay delivers it (a bare type counts as happening now). */
export interface TriggeringEvent {
  type: string;
  occurredAt?: Date | string | null;
  payload?: Record<string, unknown>;
}

/**
 * Events dated further back than this before the engine's clock trigger nothing: a backfill's
 * history (`x-tower-as-of`) would otherwise wake rule rounds with every batch; the interval
 * still evaluates every rule.
 */
export const STALE_EVENT_MS = 3_600_000;

function triggerTypes(event: string | TriggeringEvent): string[] {
  if (typeof event === 'string') return [event];
  const changes = event.payload?.['changes'];
  const capacity = event.type === 'location.updated' && typeof changes === 'object' && changes !== null && 'dailyCapacity' in changes;
  return capacity ? [event.type, LOCATION_CAPACITY_CHANGED] : [event.type];
}

/**
 * The rules these events trigger (`relay.batch` is implied: they came in a batch). With `now`
 * (the engine's clock), events dated more than `STALE_EVENT_MS` before it are left out, and a
 * batch of nothing else triggers no rule at all.
 */
export function rulesTriggeredBy(
  events: Iterable<string | TriggeringEvent>,
  options: { now?: Date; triggers?: Readonly<Record<string, readonly string[]>> } = {},
): Set<string> {
  const triggers = options.triggers ?? ruleTriggers;
  const oldestMs = options.now === undefined ? -Infinity : options.now.getTime() - STALE_EVENT_MS;
  const types = new Set<string>();
  let recent = 0;
  let total = 0;
  for (const event of events) {
    total++;
    const at = typeof event === 'string' || event.occurredAt == null ? null : new Date(event.occurredAt).getTime();
    if (at !== null && at < oldestMs) continue;
    recent++;
    for (const type of triggerTypes(event)) types.add(type);
  }
  if (total > 0 && recent === 0) return new Set();
  types.add('relay.batch');
  const rules = new Set<string>();
  for (const [rule, on] of Object.entries(triggers)) if (on.some((type) => types.has(type))) rules.add(rule);
  return rules;
}
