import type { PlaceOrderInput } from '#server/orders/order.schemas.ts';

/**
 * The shapes of Tower's POST /api/orders body, taken as types only: the simulator speaks the
 * public API and never loads Tower's modules at run time.
 */
export type OrderBody = PlaceOrderInput;
export type Channel = OrderBody['channel'];
export type Address = NonNullable<OrderBody['shippingAddress']>;
export type Payment = OrderBody['payment'];
export type DeliveryService = OrderBody['delivery']['service'];

export const channels = ['web', 'store', 'marketplace', 'phone', 'b2b'] as const satisfies readonly Channel[];
