import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#server/core/clock.ts';
import type { ServiceContext } from '#server/context.ts';
import { lockShipments } from '#server/fulfillment/lock-shipment.ts';
import { shipShipment } from '#server/fulfillment/ship-shipment.ts';
import { shipWave } from '#server/fulfillment/ship-wave.ts';
import { createLogger } from '#server/logger.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import { startTestServer, type TestServer } from '#test/support/test-server.ts';
import { pickAndPack, release, shipmentsOf, signedInUser, splitOrder } from './fulfillment-fixture.ts';

/**
 * A hand-over captures at the provider before its transaction commits. When that transaction
 * fails, the capture stays done at the provider, and the retry must be recognised as the same
 * capture (its idempotency key) whatever order the shipments are retried in.
 */
const provider = new SandboxPaymentProvider();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ payments: provider });
});
afterAll(() => server.close());

describe('a capture retried after its transaction failed', () => {
  it('a ship wave rolled back after capturing, retried shipment by shipment in another order, captures the authorization once in all', async () => {
    const { order } = await splitOrder(server);
    await release(server);
    const picker = await signedInUser(server);
    const shipments = await shipmentsOf(server, order.id);
    for (const s of shipments) await pickAndPack(picker.client, s);
    const ctx: ServiceContext = {
      db: server.db,
      clock: systemClock,
      payments: provider,
      paymentTimeoutMs: 2_000,
      logger: createLogger('silent'),
      orderWriter: server.orderWriter,
      orderContextReader: server.orderContextReader,
      sourcingPolicy: defaultSourcingPolicy,
    };
    const user = { kind: 'user' as const, id: picker.id, label: 'picker', roles: ['staff' as const], locationIds: null, sessionId: 'x', csrfToken: 'x', expiresAt: '' };

    const wave = server.db.transaction(async (tx) => {
      const locked = await lockShipments(tx, shipments.map((s) => s.id));
      const items = locked.map((shipment, index) => ({ index, shipmentId: shipment.id, occurredAt: new Date(), body: {}, shipment }));
      expect((await shipWave.applyInSet(ctx, tx, user, items)).size).toBe(2);
      throw new Error('the wave failed after its captures');
    });
    await expect(wave).rejects.toThrow('after its captures');
    const lockedOrder = (await server.pool.query('select id from shipments where id = any($1) order by id', [shipments.map((s) => s.id)])).rows.map((r) => r.id as string);

    // One by one, in the opposite order to the wave's: the provider refuses anything beyond the authorization.
    for (const id of [...lockedOrder].reverse()) await shipShipment(ctx, user, id);
    const { rows } = await server.pool.query('select authorized_cents, captured_cents, status from payments where order_id = $1', [order.id]);
    expect(rows).toEqual([{ authorized_cents: rows[0].authorized_cents, captured_cents: rows[0].authorized_cents, status: 'captured' }]);
    const shares = await server.pool.query('select sum(captured_cents)::int as captured from shipments where order_id = $1', [order.id]);
    expect(shares.rows[0].captured).toBe(rows[0].authorized_cents);
  });
});
