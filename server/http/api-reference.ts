import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono, type Handler } from 'hono';
import { authorize } from './authorize.ts';
import { recordRoutePermission } from './route-permissions.ts';
import type { AppEnv } from './router.ts';

const assetsDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Tower API reference</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#reference', deepLinking: true });
  </script>
</body>
</html>`;

/** A browsable reference of /api/openapi.json, served from the swagger-ui-dist package (no CDN). */
export function apiReferenceRoutes() {
  const app = new Hono<AppEnv>();
  const publicGet = (routePath: string, handler: Handler<AppEnv>) => {
    recordRoutePermission('get', routePath, 'public');
    app.get(routePath, authorize('public'), handler);
  };
  publicGet('/api/docs', (c) => c.html(page));
  for (const [file, type] of Object.entries(assets)) {
    const content = readFileSync(path.join(assetsDir, file));
    publicGet(`/api/docs/${file}`, (c) => c.body(content, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' }));
  }
  return app;
}
