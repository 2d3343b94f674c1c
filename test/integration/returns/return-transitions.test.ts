import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { returnTransitions } from '#server/returns/return-status.ts';
import type { ReturnStatus } from '#server/returns/returns.schemas.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { deliveredOrder, requestReturnOf, type ReturnBody } from './returns-fixture.ts';

const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

const statuses = Object.keys(returnTransitions) as ReturnStatus[];
const actions = ['authorize', 'reject', 'cancel', 'receive', 'resolve'] as const;
type Action = (typeof actions)[number];
const targetOf: Record<Action, ReturnStatus> = { authorize: 'authorized', reject: 'rejected', cancel: 'cancelled', receive: 'received', resolve: 'resolved' };

/** An RMA for 2 units, forced into `status`; from received on, one unit is in (restocked). */
async function returnIn(status: ReturnStatus) {
  const delivered = await deliveredOrder(server, provider, [{ priceCents: 1000, quantity: 2 }]);
  const rma = await requestReturnOf(server, delivered.order.number, [{ sku: delivered.products[0]!.sku, quantity: 2 }]);
  const someIn = ['received', 'inspected', 'resolved'].includes(status);
  await server.pool.query(`update returns set status = $1 where id = $2`, [status, rma.id]);
  if (someIn) await server.pool.query(`update return_lines set received_quantity = 1, restock_quantity = 1 where return_id = $1`, [rma.id]);
  return { rma, location: delivered.location };
}

async function stored(rma: ReturnBody) {
  const { rows } = await server.pool.query(
    `select r.status, r.refunded_cents, r.store_credit_cents, (select sum(received_quantity)::int from return_lines where return_id = r.id) as received,
       (select count(*)::int from outbox where aggregate_id = r.order_id) as events
     from returns r where r.id = $1`,
    [rma.id],
  );
  return rows[0] as { status: ReturnStatus; events: number };
}

function act(action: Action, rma: ReturnBody, locationId: string) {
  const body =
    action === 'receive'
      ? { locationId, lines: [{ returnLineId: rma.lines[0]!.id, quantity: 1, disposition: { restock: 1 } }] }
      : action === 'resolve'
        ? { kind: 'store_credit' }
        : { reason: 'test' };
  return server.api.post(`/api/returns/${rma.id}/${action}`, body);
}

const cases = statuses.flatMap((from) =>
  actions.map((action) => {
    const allowed = returnTransitions[from].includes(targetOf[action]);
    return { from, action, allowed, name: `${action} an RMA that is ${from}: ${allowed ? '200' : '409 invalid_transition and nothing changes'}` };
  }),
);

describe('every RMA transition the table allows or forbids, through the API', () => {
  it('the table has every status, and nothing leaves resolved, rejected or cancelled', () => {
    expect(statuses.sort()).toEqual(['authorized', 'cancelled', 'inspected', 'received', 'rejected', 'requested', 'resolved']);
    for (const end of ['resolved', 'rejected', 'cancelled'] as const) expect(returnTransitions[end]).toEqual([]);
  });

  it.each(cases.map((c): [string, (typeof cases)[number]] => [c.name, c]))('%s', async (_name, { from, action, allowed }) => {
    const { rma, location } = await returnIn(from);
    const before = await stored(rma);
    const response = await act(action, rma, location.id);
    if (allowed) {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect((await stored(rma)).events).toBeGreaterThan(before.events);
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(409);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'invalid_transition', status: 409, from });
      expect(await stored(rma)).toEqual(before);
    }
  });

  it('an unknown RMA is a 404 for every action', async () => {
    for (const action of actions) {
      const response = await server.api.post(`/api/returns/R000000/${action}`, action === 'resolve' ? { kind: 'refund' } : action === 'receive' ? { locationId: crypto.randomUUID(), lines: [{ returnLineId: crypto.randomUUID(), quantity: 1, disposition: { scrap: 1 } }] } : {});
      expect(response.status, action).toBe(404);
    }
  });
});
