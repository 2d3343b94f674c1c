import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '#server/http/router.ts';
import { checkHealth, type HealthCheck } from './check-health.ts';

const HealthReport = z.object({ status: z.enum(['ok', 'unavailable']) }).catchall(z.string()).openapi('HealthReport');

const healthRoute = createRoute({
  method: 'get',
  path: '/api/health',
  'x-permission': 'public',
  tags: ['operations'],
  summary: 'Whether Tower and each engine it depends on answer',
  responses: {
    200: { description: 'Everything answers', content: { 'application/json': { schema: HealthReport } } },
    503: { description: 'A component does not answer; it is named', content: { 'application/json': { schema: HealthReport } } },
  },
});

export function healthRoutes(checks: Record<string, HealthCheck>, isShuttingDown: () => boolean) {
  return createRouter().openapi(healthRoute, async (c) => {
    const report = await checkHealth(checks);
    if (isShuttingDown()) return c.json({ ...report, status: 'unavailable' as const, server: 'shutting down' }, 503);
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
}
