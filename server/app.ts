import type { ClickHouseClient } from '#analytics/clickhouse/client.ts';
import { kpisRoutes } from './analytics/kpis.routes.ts';
import type { AlertPublisher } from './alerts/alert-publisher.ts';
import { alertsRoutes } from './alerts/alerts.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import type { AuditWriter } from './audit/audit-writer.ts';
import { authRoutes } from './auth/auth.routes.ts';
import type { ActorResolver } from './auth/resolve-actor.ts';
import { usersRoutes } from './auth/users.routes.ts';
import { RateLimitedError } from './core/errors.ts';
import { catalogRoutes } from './catalog/catalog.routes.ts';
import type { ServiceContext } from './context.ts';
import { carrierEventsRoutes } from './fulfillment/carrier-events.routes.ts';
import type { CarrierWebhookSecrets } from './fulfillment/carrier-signature.ts';
import { fulfillmentRoutes } from './fulfillment/fulfillment.routes.ts';
import type { HealthCheck } from './health/check-health.ts';
import { healthRoutes } from './health/health.routes.ts';
import { apiReferenceRoutes } from './http/api-reference.ts';
import { asOfHeader, asOfParameter } from './http/as-of-header.ts';
import { auditMutations } from './http/audit-mutations.ts';
import { authenticate, perMinuteLimiter } from './http/authenticate.ts';
import { problem, problemFromUnknown, problemResponse } from './http/problem.ts';
import { assertEveryRouteHasPermission, recordRoutePermission } from './http/route-permissions.ts';
import { requestLogging } from './http/request-logging.ts';
import { bodyLimit } from './http/body-limit.ts';
import { createRouter } from './http/router.ts';
import { inventoryRoutes } from './inventory/inventory.routes.ts';
import type { Metrics } from './metrics/metrics.ts';
import { httpMetrics, METRICS_PATH, metricsRoutes } from './metrics/metrics.routes.ts';
import { ordersBatchRoutes } from './orders/orders-batch.routes.ts';
import { orderHistoryRoutes } from './order-history/order-history.routes.ts';
import { ordersImportRoutes } from './orders/orders-import.routes.ts';
import { ordersRoutes } from './orders/orders.routes.ts';
import { purchasingRoutes } from './purchasing/purchasing.routes.ts';
import { forecastsRoutes } from './forecasting/forecasts.routes.ts';
import type { ForecastRunner } from './forecasting/forecast-runner.ts';
import { replenishmentRoutes } from './replenishment/replenishment.routes.ts';
import { DEFAULT_REPLENISHMENT, type ReplenishmentDefaults } from './replenishment/propose-restock.ts';
import { trackingRoutes } from './tracking/tracking.routes.ts';
import { returnBatchRoutes } from './returns/return-batch.routes.ts';
import { returnsRoutes } from './returns/returns.routes.ts';
import { storeCreditRoutes } from './store-credit/store-credit.routes.ts';

export interface AppDeps extends ServiceContext {
  bodyLimitBytes: number;
  importLimitBytes: number;
  healthChecks: Record<string, HealthCheck>;
  isShuttingDown: () => boolean;
  resolver: ActorResolver;
  audit: AuditWriter;
  /** This instance's Prometheus registry, served at GET /metrics. */
  metrics: Metrics;
  auth: { sessionTtlHours: number; cookieSecure: boolean; publicPerMinute: number; loginPerMinute: number };
  /** For the KPI and reconciliation routes; without it they answer 503. */
  clickhouse?: ClickHouseClient | undefined;
  /** Keys of the carriers' tracking webhooks; without one for a carrier, its webhook answers 503. */
  carrierWebhooks?: CarrierWebhookSecrets | undefined;
  /** Starts forecast runs; without it (no ClickHouse) POST /api/forecasts/runs answers 503. */
  forecasts?: ForecastRunner | undefined;
  /** Service level and review period of restock proposals without a planner's own. */
  replenishmentDefaults?: ReplenishmentDefaults | undefined;
  /** Announces acknowledged and resolved alerts (socket.io, attached after the app); silent without it. */
  publishAlert?: AlertPublisher | undefined;
}

export function createApp(deps: AppDeps) {
  const app = createRouter();
  app.use('*', requestLogging(deps.logger));
  app.use('*', httpMetrics(deps.metrics));
  // Bulk files have their own, larger limit; everything else is small JSON.
  const limitOf = (maxSize: number) =>
    bodyLimit({
      maxSize,
      // The unread rest of the body is still on the socket; closing is the only safe end.
      onError: (c) => problemResponse(c, problem('payload_too_large', `The request body is larger than ${maxSize} bytes`), { connection: 'close' }),
    });
  const importLimit = limitOf(deps.importLimitBytes);
  const jsonLimit = limitOf(deps.bodyLimitBytes);
  app.use('/api/*', (c, next) => (c.req.path === '/api/orders/import' ? importLimit : jsonLimit)(c, next));
  const authenticated = authenticate(deps.resolver, perMinuteLimiter(deps.auth.publicPerMinute));
  app.use('/api/*', authenticated);
  // Outside /api for scrapers' sake, yet guarded like any route (metrics:read).
  app.use(METRICS_PATH, authenticated);
  app.use('/api/*', auditMutations(deps.audit));
  // After the audit, so that a refused x-tower-as-of is recorded like any refusal.
  app.use('/api/*', asOfHeader(deps.clock));

  const authDeps = { ...deps, ...deps.auth, loginLimiter: perMinuteLimiter(deps.auth.loginPerMinute) };
  app.route('/', healthRoutes(deps.healthChecks, deps.isShuttingDown));
  app.route('/', authRoutes(authDeps));
  app.route('/', usersRoutes(authDeps));
  app.route('/', auditRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', inventoryRoutes(deps));
  app.route('/', ordersImportRoutes(deps));
  app.route('/', ordersBatchRoutes(deps));
  app.route('/', orderHistoryRoutes(deps));
  app.route('/', ordersRoutes(deps));
  app.route('/', fulfillmentRoutes(deps));
  app.route('/', returnBatchRoutes(deps));
  app.route('/', returnsRoutes(deps));
  app.route('/', purchasingRoutes(deps));
  app.route('/', forecastsRoutes(deps));
  app.route('/', replenishmentRoutes({ ...deps, replenishmentDefaults: deps.replenishmentDefaults ?? DEFAULT_REPLENISHMENT }));
  app.route('/', storeCreditRoutes(deps));
  app.route('/', carrierEventsRoutes(deps));
  app.route('/', trackingRoutes(deps));
  app.route('/', kpisRoutes(deps));
  app.route('/', alertsRoutes(deps));
  app.route('/', metricsRoutes(deps.metrics));
  app.route('/', apiReferenceRoutes());
  // The API's description is public, like any published API reference.
  recordRoutePermission('get', '/api/openapi.json', 'public');
  app.openAPIRegistry.registerComponent('parameters', 'AsOf', asOfParameter);
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Tower',
      version: '0.1.0',
      description:
        'Order management with a real-time operations control tower. Errors are application/problem+json. ' +
        'Any operation accepts the x-tower-as-of header (components.parameters.AsOf) from the history backfill.',
    },
  });

  app.notFound((c) => problemResponse(c, problem('not_found', `${c.req.method} ${c.req.path} is not a Tower endpoint`)));
  app.onError((error, c) => {
    const body = problemFromUnknown(error);
    if (body.status >= 500) deps.logger.error({ err: error }, 'unhandled error');
    const headers: Record<string, string> = error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {};
    return problemResponse(c, body, headers);
  });
  assertEveryRouteHasPermission(app.routes);
  return app;
}
