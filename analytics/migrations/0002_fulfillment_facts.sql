-- Fulfillment, delivery and return facts (the KPIs of analytics/kpis/ read them).
--
-- The order service does not emit these events yet (fulfillment is a later issue); their
-- payloads are specified in analytics/README.md ("Fulfillment events") and
-- analytics/relay/event-row.ts already maps them to these columns, so the issue that emits
-- them changes nothing here. Until then the columns keep their defaults and the KPIs built on
-- them are null (no data), never invented.

-- order.shipped / order.delivered / return.received: typed columns on every event row.
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS carrier LowCardinality(String) DEFAULT '';
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS shipment_id String DEFAULT '';
-- 1 for an order's first shipment, 2, 3, … for the further ones of a split order
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS shipment_number UInt16 DEFAULT 0;
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS packages UInt16 DEFAULT 0;
-- shipped / delivered / returned: when the order was placed (copied by the emitter, so a
-- delivery time needs no join)
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS placed_at Nullable(DateTime64(3, 'UTC'));
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS promised_at Nullable(DateTime64(3, 'UTC'));
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS delivered_at Nullable(DateTime64(3, 'UTC'));
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS label_cost_cents Int64 DEFAULT 0;
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS packaging_cost_cents Int64 DEFAULT 0;
ALTER TABLE order_events ADD COLUMN IF NOT EXISTS pick_pack_cost_cents Int64 DEFAULT 0;

-- Per-order facts of fulfillment. Idempotent aggregates only, like the rest of order_facts:
-- min/max of times, and maps keyed by shipment or return id whose values are max-merged, so
-- an event that arrived twice changes nothing. Cost of an order = arraySum of the map's values.
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS shipped_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC')));
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS delivered_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC')));
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS promised_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC')));
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS carrier SimpleAggregateFunction(max, LowCardinality(String));
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS ship_location_id SimpleAggregateFunction(max, UUID);
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS shipment_cost_cents SimpleAggregateFunction(maxMap, Tuple(Array(String), Array(Int64)));
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS delivered_units SimpleAggregateFunction(maxMap, Tuple(Array(String), Array(Int64)));
ALTER TABLE order_facts ADD COLUMN IF NOT EXISTS returned_units SimpleAggregateFunction(maxMap, Tuple(Array(String), Array(Int64)));

CREATE MATERIALIZED VIEW IF NOT EXISTS order_facts_fulfillment_mv TO order_facts AS
SELECT
    order_id,
    occurred_at AS last_event_at,
    if(type = 'order.shipped', occurred_at, NULL) AS shipped_at,
    if(type = 'order.delivered', delivered_at, NULL) AS delivered_at,
    promised_at,
    carrier,
    if(type = 'order.shipped', location_id, toUUID('00000000-0000-0000-0000-000000000000')) AS ship_location_id,
    if(type = 'order.shipped', ([shipment_id], [label_cost_cents + packaging_cost_cents + pick_pack_cost_cents]), ([], [])) AS shipment_cost_cents,
    if(type = 'order.delivered', ([shipment_id], [units]), ([], [])) AS delivered_units,
    if(type = 'return.received', ([shipment_id], [units]), ([], [])) AS returned_units
FROM order_events
WHERE type IN ('order.shipped', 'order.delivered', 'return.received')
  AND order_id != toUUID('00000000-0000-0000-0000-000000000000');
