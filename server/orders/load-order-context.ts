import { executePrepared } from '#db/prepared-query.ts';
import { sql } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { ValidationError, type FieldError } from '#server/core/errors.ts';
import type { StockAtLocation, StockLocation } from '#server/inventory/allocation-plan.ts';
import type { PlaceOrderInput } from './order.schemas.ts';
import type { PricedProduct, Promotion, ShippingRate } from './pricing.ts';

/** A uuid no row has (ids are random v4 uuids; this is not one). */
const NO_ID = '00000000-0000-0000-0000-000000000000';

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

/**
 * Everything an order needs, read in one round trip: reference data (with every problem of
 * the request against it reported at once: unknown SKUs, currency, …), stock, and whether
 * this request was already served under its Idempotency-Key or externalRef.
 */
export async function loadOrderContext(
  db: Executor,
  input: PlaceOrderInput,
  at: Date,
  idempotency: { scope: string; key: string },
): Promise<OrderContext> {
  const skus = input.lines.map((l) => l.sku);
  const country = input.shippingAddress?.country ?? '';
  const region = input.shippingAddress?.region.toUpperCase() ?? '';
  const isPickup = input.delivery.method === 'pickup';
  // Absent values are sent as values that match nothing rather than as nulls: PostgreSQL
  // keeps one generic plan for this statement only if no parameter can prune it away, and
  // planning it on every order would cost more CPU than running it.
  const pickupId = input.delivery.pickupLocationId ?? NO_ID;
  const promotionCode = input.promotionCode ?? '';
  const externalRef = input.externalRef ?? '';
  // Orders without a reference skip the lookup (a one-time filter in the generic plan): a plan
  // made while the table was empty may scan all of a channel's orders for it.
  const hasExternalRef = input.externalRef !== undefined;
  const result = await executePrepared<{ ctx: RawContext }>(db, 'load-order-context', sql`
    with tax_place as (
      select case when ${isPickup} then pl.country else ${country} end as country,
             case when ${isPickup} then upper(pl.region) else ${region} end as region
      from (select 1) as one left join locations pl on pl.id = ${pickupId}::uuid
    )
    select json_build_object(
      'products', (select coalesce(json_agg(json_build_object(
          'sku', p.sku, 'name', p.name, 'category', p.category, 'priceCents', p.price_cents, 'currency', p.currency,
          'weightGrams', p.weight_grams, 'backorderable', p.backorderable, 'active', p.active,
          'lengthMm', p.length_mm, 'widthMm', p.width_mm, 'heightMm', p.height_mm, 'dropshipVendorId', p.dropship_vendor_id)), '[]'::json)
        from products p where p.sku = any(${sql.param(skus)}::text[])),
      'promotions', (select coalesce(json_agg(json_build_object(
          'id', pr.id, 'name', pr.name, 'code', pr.code, 'kind', pr.kind, 'percentBp', pr.percent_bp,
          'amountCents', pr.amount_cents, 'currency', pr.currency, 'sku', pr.sku, 'category', pr.category,
          'minSubtotalCents', pr.min_subtotal_cents)), '[]'::json)
        from promotions pr
        where pr.active
          and (pr.channel is null or pr.channel = ${input.channel})
          and (pr.starts_at is null or pr.starts_at <= ${at}) and (pr.ends_at is null or pr.ends_at > ${at})
          and (pr.code is null or pr.code = ${promotionCode})),
      'promotionCodeKnown', (exists (
        select 1 from promotions pc where pc.code = ${promotionCode} and pc.active
          and (pc.channel is null or pc.channel = ${input.channel})
          and (pc.starts_at is null or pc.starts_at <= ${at}) and (pc.ends_at is null or pc.ends_at > ${at}))),
      'taxRatePpm', (select t.rate_ppm from tax_rates t, tax_place tp where t.country = tp.country and t.region in (tp.region, '')
                     order by t.region desc limit 1),
      'shippingRate', (select json_build_object('baseCents', s.base_cents, 'perKgCents', s.per_kg_cents, 'freeOverCents', s.free_over_cents)
                       from shipping_rates s where s.service = ${input.delivery.service} and s.currency = ${input.currency}),
      'allowBackorder', (select allow_backorder from sales_channels where code = ${input.channel}),
      'stock', (select coalesce(json_agg(json_build_object(
          'sku', l.sku, 'locationId', l.location_id, 'available', greatest(l.on_hand - l.reserved - l.safety_stock, 0),
          'lat', loc.lat, 'lon', loc.lon, 'kind', loc.kind, 'pickCostCents', loc.pick_cost_cents,
          'packCostCents', loc.pack_cost_cents, 'dailyCapacity', loc.daily_capacity)), '[]'::json)
        from inventory_levels l join locations loc on loc.id = l.location_id
        where l.sku = any(${sql.param(skus)}::text[]) and loc.active),
      'priorRequest', (select json_build_object('requestHash', k.request_hash, 'orderId', k.result->>'orderId')
        from idempotency_keys k where k.scope = ${idempotency.scope} and k.key = ${idempotency.key}),
      'priorOrder', (select json_build_object('id', o.id, 'requestHash', o.request_hash)
        from orders o where ${hasExternalRef} and o.channel = ${input.channel}::sales_channel and o.external_ref = ${externalRef}),
      'pickupLocation', (select json_build_object('id', l.id, 'lat', l.lat, 'lon', l.lon, 'kind', l.kind, 'active', l.active)
                         from locations l where l.id = ${pickupId}::uuid)
    ) as ctx`);
  const raw = result.rows[0]?.ctx;
  if (!raw) throw new Error('order context query returned nothing');

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
    else if (pickup.kind !== 'store' || !pickup.active) errors.push({ path: 'delivery.pickupLocationId', message: 'is not an open store' });
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

interface RawContext {
  products: (CatalogProduct & { active: boolean })[];
  promotions: Promotion[];
  promotionCodeKnown: boolean;
  taxRatePpm: number | null;
  shippingRate: ShippingRate | null;
  allowBackorder: boolean | null;
  pickupLocation: { id: string; lat: number; lon: number; kind: string; active: boolean } | null;
  stock: (StockAtLocation & Omit<StockLocation, 'id'>)[];
  priorRequest: { requestHash: string; orderId: string } | null;
  priorOrder: { id: string; requestHash: string } | null;
}

/** Each location of the stock rows once, with what sourcing weighs about it. */
export function locationsOf(stock: readonly (StockAtLocation & Omit<StockLocation, 'id'>)[]): StockLocation[] {
  const byId = new Map<string, StockLocation>();
  for (const s of stock) {
    if (!byId.has(s.locationId)) {
      byId.set(s.locationId, { id: s.locationId, kind: s.kind, lat: s.lat, lon: s.lon, pickCostCents: s.pickCostCents, packCostCents: s.packCostCents, dailyCapacity: s.dailyCapacity });
    }
  }
  return [...byId.values()];
}
