import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from '#server/app.ts';
import { AuditWriter } from '#server/audit/audit-writer.ts';
import { ActorResolver } from '#server/auth/resolve-actor.ts';
import { systemClock, type Clock } from '#server/core/clock.ts';
import { signCarrierBody } from '#server/fulfillment/carrier-signature.ts';
import { createLogger } from '#server/logger.ts';
import { createMetrics } from '#server/metrics/metrics.ts';
import { OrderContextReader } from '#server/orders/order-context-reader.ts';
import { OrderWriter } from '#server/orders/order-writer.ts';
import { SandboxPaymentProvider } from '#server/payments/sandbox-provider.ts';
import { defaultSourcingPolicy } from '#server/sourcing/default-policy.ts';
import type { TestServer } from '#test/support/test-server.ts';

export const CARRIER_SECRET = 'test-carrier-secret-0123456789';

/**
 * A second Tower app on the test server's database, configured with a carrier webhook key
 * (the shared test server has none, so its webhook answers 503), for the webhook tests.
 */
export async function startWebhookApp(server: TestServer, clock: Clock = systemClock): Promise<{ url: string; post(carrier: string, body: unknown, signature?: string): Promise<{ status: number; body: any }>; close(): Promise<void> }> {
  const logger = createLogger('silent');
  const app = createApp({
    orderWriter: new OrderWriter(server.db),
    orderContextReader: new OrderContextReader(server.db),
    sourcingPolicy: defaultSourcingPolicy,
    db: server.db,
    clock,
    payments: new SandboxPaymentProvider(),
    paymentTimeoutMs: 2_000,
    logger,
    bodyLimitBytes: 1_000_000,
    importLimitBytes: 1_000_000,
    healthChecks: {},
    isShuttingDown: () => false,
    resolver: new ActorResolver(server.db, () => systemClock.now()),
    audit: new AuditWriter(server.db, logger),
    metrics: createMetrics(),
    auth: { sessionTtlHours: 12, cookieSecure: false, publicPerMinute: 100_000, loginPerMinute: 100_000 },
    carrierWebhooks: { shared: CARRIER_SECRET },
  });
  const http: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    async post(carrier, body, signature) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await fetch(`${url}/api/carriers/${carrier}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tower-signature': signature ?? signCarrierBody(CARRIER_SECRET, raw) },
        body: raw,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}
