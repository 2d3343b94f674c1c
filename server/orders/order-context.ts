import { executePrepared } from '#db/prepared-query.ts';
import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { ValidationError, type FieldError } from '#server/core/errors.ts';
import type { StockAtLocation, StockLocation } from '#server/inventory/allocation-plan.ts';
import type { PlaceOrderInput } from './order.schemas.ts';
import type { PricedProduct, Promotion, ShippingRate } from './pricing.ts';

export interface CatalogProduct extends PricedProduct {
  name: string;
  currency: string;
  backorderable: boolean;
  lengthMm: number | null;
  widthMm: number | null;
  heightMm: number | null;
  dropshipVendorId: string | null;
}

export interface OrderContext {
  products: Map<string, CatalogProduct>;
  promotions: Promotion[];
  taxRatePpm: number;
  shippingRate: ShippingRate | null;
  allowBackorder: boolean;
  pickupLocation: { id: string; lat: number; lon: number } | null;
  /**
   * Units available to promise per SKU × active location right now. An unlocked read: the
   * plan made from it is checked again when the reservation is written.
   */
  stock: (StockAtLocation & Omit<StockLocation, 'id'>)[];
  /** An earlier request with the same Idempotency-Key, if one completed. */
  priorRequest: { requestHash: string; orderId: string } | null;
  /** An order already placed with this channel + externalRef. */
  priorOrder: { id: string; requestHash: string } | null;
}

/** What the context of one order is read for. */
export interface OrderContextRequest {
  input: PlaceOrderInput;
  at: Date;
  idempotency: { scope: string; key: string };
  /** False: no stock read (an imported order's units left long ago); else today's available to promise. */
  withStock?: boolean;
}

/**
 * Everything orders need, read in one round trip for one order or several: reference data
 * (with every problem of each request against it reported at once: unknown SKUs, currency,
 * …), stock, and whether each request was already served under its Idempotency-Key or
 * externalRef. Answers by position; a request with bad references throws its
 * ValidationError only when its own answer is taken (`orderContextOf`), so it cannot fail
 * the others of its statement.
 */
export async function readOrderContexts(db: Executor, requests: readonly OrderContextRequest[]): Promise<RawOrderContext[]> {
  const rows = requests.map(({ input, at, idempotency, withStock }, n) => ({
    n,
    with_stock: withStock !== false,
    skus: input.lines.map((l) => l.sku),
    country: input.shippingAddress?.country ?? '',
    region: input.shippingAddress?.region.toUpperCase() ?? '',
    is_pickup: input.delivery.method === 'pickup',
    pickup_id: input.delivery.pickupLocationId ?? null,
    channel: input.channel,
    service: input.delivery.service,
    currency: input.currency,
    promotion_code: input.promotionCode ?? null,
    external_ref: input.externalRef ?? null,
    at: at.toISOString(),
    scope: idempotency.scope,
    key: idempotency.key,
  }));
  // The requests travel as one JSON parameter, so the statement's text (and its plan, kept
  // per connection) is the same for one order or thirty.
  const result = await executePrepared<{ n: number; ctx: RawOrderContext }>(db, 'load-order-contexts', sql`
    select r.n, json_build_object(
      'products', (select coalesce(json_agg(json_build_object(
          'sku', p.sku, 'name', p.name, 'category', p.category, 'priceCents', p.price_cents, 'currency', p.currency,
          'weightGrams', p.weight_grams, 'backorderable', p.backorderable, 'active', p.active,
          'lengthMm', p.length_mm, 'widthMm', p.width_mm, 'heightMm', p.height_mm, 'dropshipVendorId', p.dropship_vendor_id)), '[]'::json)
        from products p where p.sku = any(r.skus)),
      'promotions', (select coalesce(json_agg(json_build_object(
          'id', pr.id, 'name', pr.name, 'code', pr.code, 'kind', pr.kind, 'percentBp', pr.percent_bp,
          'amountCents', pr.amount_cents, 'currency', pr.currency, 'sku', pr.sku, 'category', pr.category,
          'minSubtotalCents', pr.min_subtotal_cents)), '[]'::json)
        from promotions pr
        where pr.active
          and (pr.channel is null or pr.channel = r.channel)
          and (pr.starts_at is null or pr.starts_at <= r.at) and (pr.ends_at is null or pr.ends_at > r.at)
          and (pr.code is null or pr.code = r.promotion_code)),
      'promotionCodeKnown', (r.promotion_code is not null and exists (
        select 1 from promotions pc where pc.code = r.promotion_code and pc.active
          and (pc.channel is null or pc.channel = r.channel)
          and (pc.starts_at is null or pc.starts_at <= r.at) and (pc.ends_at is null or pc.ends_at > r.at))),
      'taxRatePpm', (select t.rate_ppm from tax_rates t
                     where t.country = case when r.is_pickup then pl.country else r.country end
                       and t.region in (case when r.is_pickup then upper(pl.region) else r.region end, '')
                     order by t.region desc limit 1),
      'shippingRate', (select json_build_object('baseCents', s.base_cents, 'perKgCents', s.per_kg_cents, 'freeOverCents', s.free_over_cents)
                       from shipping_rates s where s.service = r.service and s.currency = r.currency),
      'allowBackorder', (select allow_backorder from sales_channels where code = r.channel),
      'stock', (select coalesce(json_agg(json_build_object(
          'sku', l.sku, 'locationId', l.location_id, 'available', greatest(l.on_hand - l.reserved - l.safety_stock, 0),
          'lat', loc.lat, 'lon', loc.lon, 'kind', loc.kind, 'pickCostCents', loc.pick_cost_cents,
          'packCostCents', loc.pack_cost_cents, 'dailyCapacity', loc.daily_capacity,
          'shipsToCustomers', loc.ships_to_customers, 'offersPickup', loc.offers_pickup)), '[]'::json)
        from inventory_levels l join locations loc on loc.id = l.location_id
        where r.with_stock and l.sku = any(r.skus) and loc.active),
      'priorRequest', (select json_build_object('requestHash', k.request_hash, 'orderId', k.result->>'orderId')
        from idempotency_keys k where k.scope = r.scope and k.key = r.key),
      -- Orders without a reference skip the lookup, and the channel is compared as text: only the
      -- (external_ref, channel) key can then serve it. The statement's plan is made once per
      -- connection, and one made while orders was nearly empty walked a channel's orders by
      -- orders_channel_placed_idx for every order placed after (38,000 buffers a statement 30 s
      -- into a backfill, growing with history, until an ANALYZE replanned it).
      'priorOrder', (select json_build_object('id', o.id, 'requestHash', o.request_hash)
        from orders o where r.external_ref is not null and o.external_ref = r.external_ref and o.channel::text = r.channel::text),
      'pickupLocation', (select json_build_object('id', pl.id, 'lat', pl.lat, 'lon', pl.lon, 'offersPickup', pl.offers_pickup, 'active', pl.active)
                         where pl.id is not null)
    ) as ctx
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(n int, with_stock boolean, skus text[], country text, region text, is_pickup boolean,
      pickup_id uuid, channel sales_channel, service delivery_service, currency text, promotion_code text, external_ref text,
      at timestamptz, scope text, key text)
    left join locations pl on pl.id = r.pickup_id
    order by r.n`);
  if (result.rows.length !== requests.length) throw new Error(`order context query answered ${result.rows.length} of ${requests.length} requests`);
  return result.rows.map((row) => row.ctx);
}

/** The context of one order from its raw answer, or its ValidationError. */
export function orderContextOf(input: PlaceOrderInput, raw: RawOrderContext): OrderContext {
  const isPickup = input.delivery.method === 'pickup';
  const products = new Map(raw.products.map((p) => [p.sku, p]));
  const errors: FieldError[] = [];
  input.lines.forEach((line, i) => {
    const product = products.get(line.sku);
    if (!product) errors.push({ path: `lines.${i}.sku`, message: `no product has SKU ${line.sku}` });
    else if (!product.active) errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is no longer sold` });
    else if (product.currency !== input.currency) {
      errors.push({ path: `lines.${i}.sku`, message: `${line.sku} is priced in ${product.currency}, the order is in ${input.currency}` });
    }
  });
  if (input.promotionCode !== undefined && !raw.promotionCodeKnown) errors.push({ path: 'promotionCode', message: 'is not a current promotion code' });
  if (!isPickup && !raw.shippingRate) errors.push({ path: 'currency', message: `no ${input.delivery.service} shipping is offered in ${input.currency}` });
  const pickup = raw.pickupLocation;
  if (isPickup) {
    if (!pickup) errors.push({ path: 'delivery.pickupLocationId', message: 'no location has this id' });
    else if (!pickup.active) errors.push({ path: 'delivery.pickupLocationId', message: 'is closed' });
    else if (!pickup.offersPickup) errors.push({ path: 'delivery.pickupLocationId', message: 'does not offer pickup' });
  }
  if (errors.length > 0) throw new ValidationError(errors);

  return {
    products,
    promotions: raw.promotions,
    taxRatePpm: raw.taxRatePpm ?? 0,
    shippingRate: isPickup ? null : raw.shippingRate,
    allowBackorder: raw.allowBackorder ?? false,
    pickupLocation: isPickup && pickup ? { id: pickup.id, lat: pickup.lat, lon: pickup.lon } : null,
    stock: raw.stock,
    priorRequest: raw.priorRequest,
    priorOrder: raw.priorOrder,
  };
}

export interface RawOrderContext {
  products: (CatalogProduct & { active: boolean })[];
  promotions: Promotion[];
  promotionCodeKnown: boolean;
  taxRatePpm: number | null;
  shippingRate: ShippingRate | null;
  allowBackorder: boolean | null;
  pickupLocation: { id: string; lat: number; lon: number; offersPickup: boolean; active: boolean } | null;
  stock: (StockAtLocation & Omit<StockLocation, 'id'>)[];
  priorRequest: { requestHash: string; orderId: string } | null;
  priorOrder: { id: string; requestHash: string } | null;
}

/** Each location of the stock rows once, with what sourcing weighs about it. */
export function locationsOf(stock: readonly (StockAtLocation & Omit<StockLocation, 'id'>)[]): StockLocation[] {
  const byId = new Map<string, StockLocation>();
  for (const s of stock) {
    if (!byId.has(s.locationId)) {
      byId.set(s.locationId, {
        id: s.locationId, kind: s.kind, lat: s.lat, lon: s.lon, pickCostCents: s.pickCostCents, packCostCents: s.packCostCents,
        dailyCapacity: s.dailyCapacity, shipsToCustomers: s.shipsToCustomers, offersPickup: s.offersPickup,
      });
    }
  }
  return [...byId.values()];
}
