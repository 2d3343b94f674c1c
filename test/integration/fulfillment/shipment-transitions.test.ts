import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentTransitions, type ShipmentStatus } from '#server/fulfillment/shipment-status.ts';
import { orderBody, placedOrder, stockedProduct } from '#test/support/factories.ts';
import type { ApiClient } from '#test/support/api-client.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { release, shipmentsOf, signedInUser } from './fulfillment-fixture.ts';

let server: TestServer;
let staff: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  staff = (await signedInUser(server)).client;
});
afterAll(() => server.close());

const statuses = Object.keys(shipmentTransitions) as ShipmentStatus[];

/** Each floor action, the status it moves a shipment to, and the only statuses it starts from. */
const actions = {
  claim: { target: 'picking', from: ['pending', 'picking'] },
  pack: { target: 'packed', from: ['picking'] },
  ship: { target: 'shipped', from: ['packed'] },
  'ready-for-pickup': { target: 'ready_for_pickup', from: ['packed'] },
  'picked-up': { target: 'picked_up', from: ['ready_for_pickup'] },
} as const satisfies Record<string, { target: ShipmentStatus; from: readonly ShipmentStatus[] }>;
type Action = keyof typeof actions;

const forbidden = (Object.keys(actions) as Action[]).flatMap((action) =>
  statuses.filter((from) => !(actions[action].from as readonly ShipmentStatus[]).includes(from)).map((from) => ({ action, from })),
);

async function shipmentIn(status: ShipmentStatus) {
  const { product } = await stockedProduct(server.api, 5);
  const order = await placedOrder(server.api, orderBody([{ sku: product.sku, quantity: 1 }]));
  await release(server);
  const [shipment] = await shipmentsOf(server, order.id);
  await server.pool.query('update shipments set status = $1 where id = $2', [status, shipment!.id]);
  return shipment!;
}

async function stored(shipmentId: string) {
  const { rows } = await server.pool.query(
    `select s.status, (select count(*)::int from outbox where aggregate_id = s.order_id) as events,
       (select count(*)::int from shipment_lines where shipment_id = s.id and picker_id is not null) as claimed,
       (select count(*)::int from packages where shipment_id = s.id) as packages
     from shipments s where s.id = $1`,
    [shipmentId],
  );
  return rows[0] as { status: ShipmentStatus; events: number; claimed: number; packages: number };
}

function act(action: Action, shipment: Awaited<ReturnType<typeof shipmentIn>>) {
  if (action === 'claim') return staff.post('/api/fulfillment/pick-claims', { shipmentLineIds: [shipment.lines[0]!.id] });
  if (action === 'pack') return staff.post(`/api/fulfillment/shipments/${shipment.id}/pack`, { items: [{ sku: shipment.lines[0]!.sku, quantity: 1 }] });
  return staff.post(`/api/fulfillment/shipments/${shipment.id}/${action}`);
}

describe('every shipment transition the floor may not make, through the API', () => {
  it('each action starts only from statuses the transition table lets it leave for its target', () => {
    for (const { target, from } of Object.values(actions)) {
      for (const status of from) if (status !== target) expect(shipmentTransitions[status]).toContain(target);
    }
  });

  it.each(forbidden.map((c): [string, Action, ShipmentStatus] => [`${c.action} a shipment that is ${c.from}: 409 invalid_transition, nothing changes`, c.action, c.from]))(
    '%s',
    async (_name, action, from) => {
      const shipment = await shipmentIn(from);
      const before = await stored(shipment.id);
      const response = await act(action, shipment);
      expect(response.status, JSON.stringify(response.body)).toBe(409);
      expect(response.body).toMatchObject({ type: 'invalid_transition' });
      expect(await stored(shipment.id)).toEqual(before);
      expect(before.status).toBe(from);
    },
  );
});
