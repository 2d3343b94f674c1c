import type { OrderContext } from './order-context.ts';
import type { PlaceOrderInput } from './order.schemas.ts';
import { allocateProportionally, applyPercentBp, applyRatePpm } from '#server/core/money.ts';

export interface PricedProduct {
  sku: string;
  category: string;
  priceCents: number;
  weightGrams: number;
}

export interface Promotion {
  id: string;
  name: string;
  code: string | null;
  kind: 'line_percent' | 'order_percent' | 'order_amount';
  percentBp: number | null;
  amountCents: number | null;
  currency: string | null;
  sku: string | null;
  category: string | null;
  minSubtotalCents: number;
}

export interface ShippingRate {
  baseCents: number;
  perKgCents: number;
  freeOverCents: number | null;
}

export interface PricingInput {
  currency: string;
  lines: { product: PricedProduct; quantity: number }[];
  /** Promotions already filtered to this channel, time and code. */
  promotions: Promotion[];
  taxRatePpm: number;
  /** null for in-store pickup. */
  shippingRate: ShippingRate | null;
}

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
  discountCents: number;
  taxCents: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  totalCents: number;
  appliedPromotions: { id: string; name: string; discountCents: number }[];
}

/**
 * Prices an order from catalog data only. The best line promotion applies to each line,
 * then the best order promotion to what remains; the order discount is spread over the
 * lines so that returns can refund exactly what was paid. Tax is on the discounted goods.
 */
export function priceOrder(input: PricingInput): PricedOrder {
  const applied = new Map<string, { id: string; name: string; discountCents: number }>();
  const subtotalCents = input.lines.reduce((sum, l) => sum + l.product.priceCents * l.quantity, 0);
  const lines = input.lines.map(({ product, quantity }) => {
    const gross = product.priceCents * quantity;
    let best: { promo: Promotion; cents: number } | undefined;
    for (const promo of input.promotions) {
      if (promo.kind !== 'line_percent' || promo.percentBp === null) continue;
      if (subtotalCents < promo.minSubtotalCents) continue;
      if (promo.sku !== null && promo.sku !== product.sku) continue;
      if (promo.category !== null && promo.category !== product.category) continue;
      const cents = applyPercentBp(gross, promo.percentBp);
      if (!best || cents > best.cents) best = { promo, cents };
    }
    if (best && best.cents > 0) record(applied, best.promo, best.cents);
    return { product, quantity, gross, lineDiscount: best?.cents ?? 0 };
  });

  const afterLineDiscounts = subtotalCents - lines.reduce((sum, l) => sum + l.lineDiscount, 0);

  let orderPromo: { promo: Promotion; cents: number } | undefined;
  for (const promo of input.promotions) {
    if (promo.kind === 'line_percent' || subtotalCents < promo.minSubtotalCents) continue;
    const cents =
      promo.kind === 'order_percent'
        ? applyPercentBp(afterLineDiscounts, promo.percentBp ?? 0)
        : promo.currency === input.currency
          ? Math.min(promo.amountCents ?? 0, afterLineDiscounts)
          : 0;
    if (!orderPromo || cents > orderPromo.cents) orderPromo = { promo, cents };
  }
  const orderDiscount = orderPromo?.cents ?? 0;
  if (orderPromo && orderDiscount > 0) record(applied, orderPromo.promo, orderDiscount);
  const orderDiscountShares = allocateProportionally(
    orderDiscount,
    lines.map((l) => l.gross - l.lineDiscount),
  );

  const pricedLines: PricedLine[] = lines.map((l, i) => {
    const discountCents = l.lineDiscount + (orderDiscountShares[i] ?? 0);
    return {
      sku: l.product.sku,
      quantity: l.quantity,
      unitPriceCents: l.product.priceCents,
      discountCents,
      taxCents: applyRatePpm(l.gross - discountCents, input.taxRatePpm),
    };
  });

  const discountCents = pricedLines.reduce((sum, l) => sum + l.discountCents, 0);
  const taxCents = pricedLines.reduce((sum, l) => sum + l.taxCents, 0);
  const weightGrams = lines.reduce((sum, l) => sum + l.product.weightGrams * l.quantity, 0);
  const shippingCents = input.shippingRate ? shippingFee(input.shippingRate, weightGrams, subtotalCents - discountCents) : 0;

  return {
    lines: pricedLines,
    subtotalCents,
    discountCents,
    taxCents,
    shippingCents,
    totalCents: subtotalCents - discountCents + taxCents + shippingCents,
    appliedPromotions: [...applied.values()],
  };
}

/** Base fee covers the first kilogram; each started kilogram after it adds perKg. */
export function shippingFee(rate: ShippingRate, weightGrams: number, merchandiseCents: number): number {
  if (rate.freeOverCents !== null && merchandiseCents >= rate.freeOverCents) return 0;
  const extraKg = Math.max(0, Math.ceil(weightGrams / 1000) - 1);
  return rate.baseCents + extraKg * rate.perKgCents;
}

function record(applied: Map<string, { id: string; name: string; discountCents: number }>, promo: Promotion, cents: number) {
  const entry = applied.get(promo.id) ?? { id: promo.id, name: promo.name, discountCents: 0 };
  entry.discountCents += cents;
  applied.set(promo.id, entry);
}

/** An order priced against its context: the catalog, promotions, tax and shipping as of its moment (capture and history import alike). */
export function priceInContext(input: PlaceOrderInput, reference: OrderContext): PricedOrder {
  return priceOrder({
    currency: input.currency,
    lines: input.lines.map((line) => ({ product: reference.products.get(line.sku)!, quantity: line.quantity })),
    promotions: reference.promotions,
    taxRatePpm: reference.taxRatePpm,
    shippingRate: reference.shippingRate,
  });
}
