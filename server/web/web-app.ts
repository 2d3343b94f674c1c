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

/** Where the web app stands: served, being built (a first start), or not there (never built, or its build failed). */
export type WebAppState = { kind: 'ready'; handler: NodeHandler } | { kind: 'building' } | { kind: 'missing' } | { kind: 'failed' };

const NOT_BUILT = `<!doctype html><title>Tower</title><p>The web app is not built: <code>npm start</code> builds it, or run <code>npm run web:build</code>.</p>`;
const BUILD_FAILED = `<!doctype html><title>Tower</title><p>The web app's build failed: the server's log says why. The API is up; <code>npm run web:build</code> builds it again.</p>`;
// The page asks again by itself: the build takes seconds, and the API (and the demo's history) is meanwhile up.
const BUILDING = `<!doctype html><meta http-equiv="refresh" content="3"><title>Tower</title><p>The control tower is being built for this first start; this page opens it when it is ready.</p>`;

function unavailable(state: Exclude<WebAppState, { kind: 'ready' }>): Response {
  const page = state.kind === 'building' ? BUILDING : state.kind === 'failed' ? BUILD_FAILED : NOT_BUILT;
  return new Response(page, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', ...(state.kind === 'building' ? { 'retry-after': '3' } : {}) } });
}

/**
 * One fetch for the port: API paths go to hono, the rest to the SvelteKit handler, which writes
 * straight to Node's response (static assets precompressed, and the app shell for every page).
 */
export function withWebApp(api: Fetch, webApp: () => WebAppState): Fetch {
  return (request, env) => {
    const { pathname } = new URL(request.url);
    if (isApiPath(pathname)) return api(request, env);
    const state = webApp();
    if (state.kind !== 'ready') return unavailable(state);
    const web = state.handler;
    // Tower serves HTTP/1.1 only (serve() without createServer), so these are Node's http objects.
    const { incoming, outgoing } = env as HttpBindings;
    web(incoming, outgoing, () => {
      outgoing.statusCode = 404;
      outgoing.end('Not found');
    });
    return RESPONSE_ALREADY_SENT;
  };
}
