-- order_events: one row per outbox event (event_id = outbox.id), written only by the relay.
--
-- Duplicates are harmless twice over:
--   * the relay inserts each batch with insert_deduplication_token = target:generation:from:to
--     (non_replicated_deduplication_window below), so a batch sent again after a crash is
--     dropped by ClickHouse before it reaches this table or any materialized view;
--   * the engine is a ReplacingMergeTree whose key ends in event_id, so a copy that got in
--     some other way (a manual INSERT, a replay beyond the window) disappears at merge time.
-- Queries that must be exact read `FROM order_events FINAL` or count `uniqExact(event_id)`.
--
-- Typed columns hold what KPIs need today (see analytics/relay/event-row.ts for how each
-- event type fills them); `payload` keeps the whole event, so later event types (shipped,
-- delivered, returned, …) are stored from day one and can get their own columns later.
CREATE TABLE IF NOT EXISTS order_events
(
    event_id          UInt64,
    event_uuid        UUID,
    type              LowCardinality(String),
    aggregate_type    LowCardinality(String),
    aggregate_id      UUID,
    -- aggregate_id for order.* and payment.* events, the nil UUID for the others
    order_id          UUID,
    occurred_at       DateTime64(3, 'UTC'),
    channel           LowCardinality(String),
    currency          LowCardinality(String),
    -- the order status this event leads to ('' for events that change none)
    status            LowCardinality(String),
    from_status       LowCardinality(String),
    -- inventory.adjusted: its location; allocations and releases: the location with most units
    location_id       UUID,
    -- order.placed: total; payment.*: amount; order.cancelled: the order's total
    amount_cents      Int64,
    subtotal_cents    Int64,
    discount_cents    Int64,
    tax_cents         Int64,
    shipping_cents    Int64,
    -- placed: units ordered; allocated/backordered: units reserved; cancelled: units released;
    -- inventory.adjusted: the on-hand delta
    units             Int64,
    backordered_units Int64,
    -- 1 for the order.allocated that fills a backorder later (its demand was counted already)
    from_backorder    UInt8,
    delivery_method   LowCardinality(String),
    delivery_service  LowCardinality(String),
    country           LowCardinality(String),
    region            LowCardinality(String),
    -- placed: priced lines (no location); allocated/backordered: allocations (a backordered
    -- quantity has the nil location); cancelled: released stock; inventory.adjusted: one line
    lines Nested
    (
        sku              String,
        category         LowCardinality(String),
        location_id      UUID,
        quantity         Int64,
        unit_price_cents Int64,
        discount_cents   Int64,
        tax_cents        Int64
    ),
    payload           String,
    relayed_at        DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (type, occurred_at, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Per-order facts: one row per order after merges. Every column is an idempotent aggregate
-- (min, max), so these facts are exact even if an event arrived twice. Read with
-- `GROUP BY order_id` (min/max of each column) or `FINAL`. `status` is (event_id, status) of
-- the latest event that set one: `status.2` is the current status.
CREATE TABLE IF NOT EXISTS order_facts
(
    order_id          UUID,
    channel           SimpleAggregateFunction(max, LowCardinality(String)),
    currency          SimpleAggregateFunction(max, LowCardinality(String)),
    status            SimpleAggregateFunction(max, Tuple(UInt64, String)),
    placed_at         SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    allocated_at      SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    backordered_at    SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    held_at           SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    cancelled_at      SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))),
    last_event_at     SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    total_cents       SimpleAggregateFunction(max, Int64),
    subtotal_cents    SimpleAggregateFunction(max, Int64),
    discount_cents    SimpleAggregateFunction(max, Int64),
    tax_cents         SimpleAggregateFunction(max, Int64),
    shipping_cents    SimpleAggregateFunction(max, Int64),
    authorized_cents  SimpleAggregateFunction(max, Int64),
    refunded_cents    SimpleAggregateFunction(max, Int64),
    units             SimpleAggregateFunction(max, Int64),
    backordered_units SimpleAggregateFunction(max, Int64),
    location_id       SimpleAggregateFunction(max, UUID),
    delivery_method   SimpleAggregateFunction(max, LowCardinality(String)),
    delivery_service  SimpleAggregateFunction(max, LowCardinality(String)),
    country           SimpleAggregateFunction(max, LowCardinality(String)),
    region            SimpleAggregateFunction(max, LowCardinality(String))
)
ENGINE = AggregatingMergeTree
ORDER BY order_id
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS order_facts_mv TO order_facts AS
SELECT
    order_id,
    channel,
    currency,
    if(status = '', (toUInt64(0), ''), (event_id, toString(status))) AS status,
    if(type = 'order.placed', occurred_at, NULL) AS placed_at,
    if(type = 'order.allocated', occurred_at, NULL) AS allocated_at,
    if(type = 'order.backordered', occurred_at, NULL) AS backordered_at,
    if(type = 'order.held', occurred_at, NULL) AS held_at,
    if(type = 'order.cancelled', occurred_at, NULL) AS cancelled_at,
    occurred_at AS last_event_at,
    if(type = 'order.placed', amount_cents, 0) AS total_cents,
    subtotal_cents,
    discount_cents,
    tax_cents,
    shipping_cents,
    if(type = 'payment.authorized', amount_cents, 0) AS authorized_cents,
    if(type = 'payment.refunded', amount_cents, 0) AS refunded_cents,
    if(type = 'order.placed', units, 0) AS units,
    backordered_units,
    if(type IN ('order.allocated', 'order.backordered'), location_id, toUUID('00000000-0000-0000-0000-000000000000')) AS location_id,
    delivery_method,
    delivery_service,
    country,
    region
FROM order_events
WHERE order_id != toUUID('00000000-0000-0000-0000-000000000000');

-- Daily demand per sku x location x channel: the input of forecasting. Demand is counted
-- once, when the order is placed, from the allocations made then (order.allocated, or
-- order.backordered whose unreserved quantity has the nil location); a later allocation
-- that fills a backorder (from_backorder = 1) is not new demand. cancelled_units are the
-- units a cancellation returned to that location. Sums: read with sum(...) GROUP BY.
CREATE TABLE IF NOT EXISTS daily_demand
(
    day               Date,
    sku               String,
    location_id       UUID,
    channel           LowCardinality(String),
    units             Int64,
    backordered_units Int64,
    cancelled_units   Int64,
    order_lines       UInt64
)
ENGINE = SummingMergeTree
ORDER BY (sku, location_id, day, channel)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS daily_demand_mv TO daily_demand AS
SELECT
    toDate(occurred_at) AS day,
    lines.sku AS sku,
    lines.location_id AS location_id,
    channel,
    if(type = 'order.cancelled', 0, lines.quantity) AS units,
    if(type = 'order.backordered' AND lines.location_id = toUUID('00000000-0000-0000-0000-000000000000'), lines.quantity, 0) AS backordered_units,
    if(type = 'order.cancelled', lines.quantity, 0) AS cancelled_units,
    toUInt64(type != 'order.cancelled') AS order_lines
FROM order_events
ARRAY JOIN lines
WHERE (type IN ('order.allocated', 'order.backordered') AND from_backorder = 0) OR type = 'order.cancelled';

-- KPI rollup per minute x channel x currency (sums: read with sum(...) GROUP BY).
-- orders / revenue_cents / units: order.placed (revenue = the order total, tax and shipping
-- included); backordered_orders: placed without enough stock; cancelled_*: cancellations.
CREATE TABLE IF NOT EXISTS kpi_minute
(
    minute             DateTime('UTC'),
    channel            LowCardinality(String),
    currency           LowCardinality(String),
    orders             UInt64,
    revenue_cents      Int64,
    units              Int64,
    backordered_orders UInt64,
    cancelled_orders   UInt64,
    cancelled_cents    Int64,
    events             UInt64
)
ENGINE = SummingMergeTree
ORDER BY (minute, channel, currency)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS kpi_minute_mv TO kpi_minute AS
SELECT
    toDateTime(toStartOfMinute(occurred_at), 'UTC') AS minute,
    channel,
    currency,
    toUInt64(type = 'order.placed') AS orders,
    if(type = 'order.placed', amount_cents, 0) AS revenue_cents,
    if(type = 'order.placed', units, 0) AS units,
    toUInt64(type = 'order.backordered') AS backordered_orders,
    toUInt64(type = 'order.cancelled') AS cancelled_orders,
    if(type = 'order.cancelled', amount_cents, 0) AS cancelled_cents,
    toUInt64(1) AS events
FROM order_events
WHERE aggregate_type = 'order';
