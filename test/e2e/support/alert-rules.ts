import type { ApiClient } from '#test/support/api-client.ts';
import { expectStatus } from '#test/support/factories.ts';

/**
 * Shortens the stuck_orders SLAs at one location only (its `perLocation` entry, one stuck order
 * enough to alert unless `minOrders` says otherwise), so an order placed there is stuck within
 * seconds while every other location keeps its SLAs. Returns the function that takes the entry out again.
 */
export async function shortenStuckOrderSlas(
  admin: ApiClient,
  locationId: string,
  sla: { releaseMinutes?: number; pickHours?: number; packHours?: number; shipHours?: number; minOrders?: number },
) {
  const perLocationNow = async (): Promise<Record<string, unknown>> => {
    const rules = (expectStatus(await admin.get('/api/alert-rules'), 200).body as { items: unknown }).items as { rule: string; thresholds: { perLocation?: Record<string, unknown> } }[];
    return rules.find((rule) => rule.rule === 'stuck_orders')?.thresholds.perLocation ?? {};
  };
  const perLocation = { ...(await perLocationNow()), [locationId]: { minOrders: 1, ...sla } };
  expectStatus(await admin.patch('/api/alert-rules/stuck_orders', { thresholds: { perLocation } }), 200);
  return async () => {
    const { [locationId]: _ours, ...rest } = await perLocationNow();
    expectStatus(await admin.patch('/api/alert-rules/stuck_orders', { thresholds: { perLocation: rest } }), 200);
  };
}
