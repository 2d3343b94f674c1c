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
  backlog_growth: ['order.placed', 'order.allocated', 'order.shipped'],
  stock_out_risk: ['inventory.adjusted', 'order.allocated', 'purchase_order.received', 'transfer.received'],
  return_rate_spike: ['return.requested', 'return.received'],
  carrier_delay: ['order.shipped', 'order.delivered'],
  promise_breach_risk: ['order.placed', 'order.picking_started', 'order.packed', 'order.shipped', 'order.service_upgraded', 'order.rerouted'],
};

/** The rules any of these event types triggers (`relay.batch` is implied: they came in a batch). */
export function rulesTriggeredBy(eventTypes: Iterable<string>, triggers: Readonly<Record<string, readonly string[]>> = ruleTriggers): Set<string> {
  const types = new Set(eventTypes);
  types.add('relay.batch');
  const rules = new Set<string>();
  for (const [rule, on] of Object.entries(triggers)) if (on.some((type) => types.has(type))) rules.add(rule);
  return rules;
}
