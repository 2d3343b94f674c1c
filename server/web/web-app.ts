import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/** The API's own paths; everything else is the web app's. */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname === '/api' || pathname === '/metrics' || pathname.startsWith('/socket.io');
}

/** adapter-node's request handler from build/handler.js, or null when the app was never built. */
export async function loadWebHandler(buildDir: string): Promise<NodeHandler | null> {
  const file = path.join(buildDir, 'handler.js');
  if (!existsSync(file)) return null;
  const module = (await import(pathToFileURL(file).href)) as { handler: NodeHandler };
  return module.handler;
}

const NOT_BUILT = `<!doctype html><title>Tower</title><p>The web app is not built: <code>npm start</code> builds it, or run <code>npm run web:build</code>.</p>`;

/**
 * One fetch for the port: API paths go to hono, the rest to the SvelteKit handler, which writes
 * straight to Node's response (static assets precompressed, and the app shell for every page).
 */
export function withWebApp(api: Fetch, web: NodeHandler | null): Fetch {
  return (request, env) => {
    const { pathname } = new URL(request.url);
    if (isApiPath(pathname)) return api(request, env);
    if (!web) return new Response(NOT_BUILT, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
    // Tower serves HTTP/1.1 only (serve() without createServer), so these are Node's http objects.
    const { incoming, outgoing } = env as HttpBindings;
    web(incoming, outgoing, () => {
      outgoing.statusCode = 404;
      outgoing.end('Not found');
    });
    return RESPONSE_ALREADY_SENT;
  };
}
