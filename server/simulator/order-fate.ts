import type { CategorySpec } from './categories.ts';
import type { BasketLine } from './baskets.ts';
import type { Channel } from './order-body.ts';
import type { Random } from './random.ts';
import type { ReturnReason } from './return-reasons.ts';

/** What will happen to an order after it is placed, decided when it is generated. */
export interface PlannedReturn {
  /** Days after the order's delivery that the customer asks to return. */
  afterDeliveryDays: number;
  lines: { sku: string; quantity: number; reason: ReturnReason }[];
}

export interface OrderFate {
  /** The card is declined: Tower answers 402 and no order exists. */
  declined: boolean;
  /** Minutes after placement that the customer cancels, or null. */
  cancelAfterMinutes: number | null;
  return: PlannedReturn | null;
}

export const DECLINE_RATE = 0.02;
export const CANCEL_RATE: Record<Channel, number> = { web: 0.03, marketplace: 0.02, store: 0.01, phone: 0.04, b2b: 0.02 };
// Tower's default return window is 30 days; requests land inside it.
const LATEST_RETURN_DAY = 28;

/**
 * A wholesale buyer's line comes back at this share of the product's (consumer) propensity, some
 * of its case or all of it: damaged or mis-shipped goods, not a customer's change of mind. Until
 * 2026-12-07 b2b units came back at the consumer's rate each, so 94 % of b2b orders sent some of
 * their cases back and they made 84 % of all returned units.
 */
export const B2B_LINE_RETURN_SHARE = 0.2;

/** Units of a line that come back. */
function returnedUnits(channel: Channel, line: BasketLine, random: Random): number {
  if (channel === 'b2b') return random.chance(line.product.returnRate * B2B_LINE_RETURN_SHARE) ? random.int(1, line.quantity) : 0;
  // Propensity is per unit, so a line of three sweaters is likelier to send one back.
  let units = 0;
  for (let i = 0; i < line.quantity; i++) if (random.chance(line.product.returnRate)) units++;
  return units;
}

function planReturn(channel: Channel, lines: readonly BasketLine[], categories: ReadonlyMap<string, CategorySpec>, random: Random): PlannedReturn | null {
  const returned: PlannedReturn['lines'] = [];
  for (const line of lines) {
    const units = returnedUnits(channel, line, random);
    if (units === 0) continue;
    const reasons = categories.get(line.product.category)?.returnReasons ?? { other: 1 };
    const keys = Object.keys(reasons) as ReturnReason[];
    returned.push({ sku: line.sku, quantity: units, reason: random.pickWeighted(keys, keys.map((k) => reasons[k]!)) });
  }
  if (returned.length === 0) return null;
  // Most returns come within a week or two of delivery; the tail runs to the end of the window.
  const afterDeliveryDays = Math.min(LATEST_RETURN_DAY, Math.max(1, Math.round(random.lognormal(Math.log(7), 0.6))));
  return { afterDeliveryDays, lines: returned };
}

export function decideFate(channel: Channel, paysByCard: boolean, lines: readonly BasketLine[], categories: ReadonlyMap<string, CategorySpec>, random: Random): OrderFate {
  // Always draw the same number of values in the same order, so one decision never shifts the next.
  const declineDraw = random.next();
  const cancelDraw = random.next();
  const cancelMinutes = Math.min(24 * 60, Math.max(2, Math.round(random.lognormal(Math.log(40), 1))));
  const plannedReturn = planReturn(channel, lines, categories, random);
  if (paysByCard && declineDraw < DECLINE_RATE) return { declined: true, cancelAfterMinutes: null, return: null };
  if (cancelDraw < CANCEL_RATE[channel]) return { declined: false, cancelAfterMinutes: cancelMinutes, return: null };
  return { declined: false, cancelAfterMinutes: null, return: plannedReturn };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * When a planned return's steps come, from the order's last delivery: the RMA its days after, its
 * authorization two hours later, the parcel received four days after that, settled the next day.
 */
export function returnMoments(lastDeliveredAtMs: number, planned: PlannedReturn): { requestedAtMs: number; authorizedAtMs: number; receivedAtMs: number; resolvedAtMs: number } {
  const requestedAtMs = lastDeliveredAtMs + planned.afterDeliveryDays * DAY_MS;
  const authorizedAtMs = requestedAtMs + 2 * HOUR_MS;
  const receivedAtMs = authorizedAtMs + 4 * DAY_MS;
  return { requestedAtMs, authorizedAtMs, receivedAtMs, resolvedAtMs: receivedAtMs + DAY_MS };
}
