import type { BasketLine } from './baskets.ts';
import { sampleBasket } from './baskets.ts';
import type { Business } from './business.ts';
import { daysInRange, isWithin, type Day } from './calendar.ts';
import type { CategorySpec } from './categories.ts';
import { customerAt } from './customers.ts';
import { baselineOrders, defaultDemandModel, type DemandModel } from './demand-model.ts';
import { decideFate, type OrderFate } from './order-fate.ts';
import { channels, type Address, type Channel, type DeliveryService, type OrderBody, type Payment } from './order-body.ts';
import { activePromotions, type SimPromotion } from './promotions.ts';
import { createRandom, weightedTable, type Random } from './random.ts';
import type { Scenario } from './scenario.ts';
import { sampleMomentMs } from './time-of-day.ts';

/**
 * An order as the simulator means to place it: Tower's POST /api/orders body, except that a pickup
 * names its store by code (ids exist only once the driver has created the locations), and what is
 * going to happen to it afterwards.
 */
export interface SimulatedOrder {
  /** Idempotency-Key and externalRef: the same for a seed, day, channel and position. */
  key: string;
  /** When it happened: the import-only `placedAt` during backfill, the moment to send it when live. */
  placedAt: string;
  draft: OrderDraft;
  /** Pool index of a consumer (see customerAt), null for a b2b account. */
  customerIndex: number | null;
  fate: OrderFate;
}

export type OrderDraft = Omit<OrderBody, 'delivery'> & {
  delivery: { method: 'ship'; service: DeliveryService } | { method: 'pickup'; service: DeliveryService; pickupLocationCode: string };
};

const EXPRESS_SHARE: Record<Channel, number> = { web: 0.15, marketplace: 0.08, store: 0.05, phone: 0.3, b2b: 0.1 };
export const STORE_PICKUP_SHARE = 0.7;
const B2B_INVOICE_SHARE = 0.75;
const CARD_TOKENS = ['tok_visa', 'tok_mastercard', 'tok_amex'];
const CARD_TOKEN_WEIGHTS = [55, 30, 15];

/** Demand multipliers of one channel on one day from the scenario: promotions and spikes. */
export function scenarioUplift(scenario: Scenario, channel: Channel, day: Day): { factor: number; promotions: SimPromotion[] } {
  const promotions = activePromotions(scenario.promotions, day, channel);
  let factor = promotions.reduce((f, p) => f * p.uplift, 1);
  for (const spike of scenario.spikes) if ((spike.channel === null || spike.channel === channel) && isWithin(day, spike.start, spike.end)) factor *= spike.factor;
  return { factor, promotions };
}

export function expectedOrders(model: DemandModel, scenario: Scenario, channel: Channel, day: Day): number {
  return baselineOrders(model, channel, day) * scenarioUplift(scenario, channel, day).factor;
}

function cardPayment(random: Random): Payment {
  // The decline draw is the order fate's; here only which good card the customer holds.
  return { method: 'card', token: random.pickWeighted(CARD_TOKENS, CARD_TOKEN_WEIGHTS) };
}

interface Buyer {
  customerIndex: number | null;
  email: string;
  name: string;
  address: Address;
}

function buyerFor(business: Business, channel: Channel, random: Random): Buyer {
  if (channel === 'b2b') {
    const account = random.pick(business.b2bAccounts);
    return { customerIndex: null, email: account.email, name: account.name, address: account.address };
  }
  // Squaring a uniform favours low indices: a core of loyal customers orders again and again.
  const index = Math.floor(business.customerPoolSize * random.next() ** 2);
  const customer = customerAt(business.seed, index, business.metros);
  return { customerIndex: index, email: customer.email, name: customer.name, address: customer.address };
}

function generateOrder(business: Business, categories: ReadonlyMap<string, CategorySpec>, channel: Channel, day: Day, promotions: readonly SimPromotion[], key: string, random: Random): SimulatedOrder {
  const placedAtMs = sampleMomentMs(day, channel, random);
  const buyer = buyerFor(business, channel, random);
  const stores = business.locations.filter((l) => l.kind === 'store');
  const pickupStore = channel === 'store' && stores.length > 0 && random.chance(STORE_PICKUP_SHARE) ? weightedTable(stores, (s) => s.dailyCapacity).sample(random) : null;
  const service: DeliveryService = random.chance(EXPRESS_SHARE[channel]) ? 'express' : 'standard';
  const promotion = promotions.length > 0 ? promotions.reduce((a, b) => (b.uplift > a.uplift ? b : a)) : null;
  const usesCode = promotion !== null && random.chance(promotion.codeShare);
  const lines: BasketLine[] = sampleBasket(business, channel, { pickup: pickupStore !== null, promotedCategory: promotion?.category ?? null }, random);
  const invoice = channel === 'b2b' && random.chance(B2B_INVOICE_SHARE);
  const payment: Payment = invoice ? { method: 'invoice', purchaseOrder: `PO-${random.int(100_000, 999_999)}` } : cardPayment(random);
  const fate = decideFate(channel, payment.method === 'card', lines, categories, random);
  if (fate.declined && payment.method === 'card') payment.token = 'tok_declined';

  const draft: OrderDraft = {
    channel,
    externalRef: key,
    customer: { email: buyer.email, name: buyer.name },
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    delivery: pickupStore ? { method: 'pickup', service: 'standard', pickupLocationCode: pickupStore.code } : { method: 'ship', service },
    payment,
    currency: business.currency,
  };
  if (!pickupStore) draft.shippingAddress = buyer.address;
  if (usesCode) draft.promotionCode = promotion.code;
  return { key, placedAt: new Date(placedAtMs).toISOString(), draft, customerIndex: buyer.customerIndex, fate };
}

/**
 * Every order of one day, in the order they are placed. Each day, channel and order has its own
 * random stream, so any day can be generated alone and in any order, and always comes out the same.
 */
export function dailyOrders(business: Business, scenario: Scenario, day: Day, seed: number, model: DemandModel = defaultDemandModel): SimulatedOrder[] {
  const categories = new Map(business.categories.map((c) => [c.name, c]));
  const orders: SimulatedOrder[] = [];
  for (const channel of channels) {
    const { factor, promotions } = scenarioUplift(scenario, channel, day);
    const count = createRandom(seed, 'order-count', day, channel).poisson(baselineOrders(model, channel, day) * factor);
    for (let i = 0; i < count; i++) {
      const key = `SIM-${seed}-${day}-${channel}-${String(i + 1).padStart(5, '0')}`;
      orders.push(generateOrder(business, categories, channel, day, promotions, key, createRandom(seed, 'order', day, channel, i)));
    }
  }
  return orders.sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.key.localeCompare(b.key));
}

/** Orders day by day over [from, to): the backfill walks this, one day in memory at a time. */
export function* ordersBetween(business: Business, scenario: Scenario, from: Day, to: Day, seed: number, model: DemandModel = defaultDemandModel): Generator<{ day: Day; orders: SimulatedOrder[] }> {
  for (const day of daysInRange(from, to)) yield { day, orders: dailyOrders(business, scenario, day, seed, model) };
}

/** The body to POST, once the driver knows the ids Tower gave the locations it created. */
export function placeOrderBody(order: SimulatedOrder, locationIdByCode: ReadonlyMap<string, string>): OrderBody {
  const { delivery, ...rest } = order.draft;
  if (delivery.method === 'ship') return { ...rest, delivery: { method: 'ship', service: delivery.service } };
  const id = locationIdByCode.get(delivery.pickupLocationCode);
  if (!id) throw new Error(`no location id for ${delivery.pickupLocationCode}`);
  return { ...rest, delivery: { method: 'pickup', service: delivery.service, pickupLocationId: id } };
}
