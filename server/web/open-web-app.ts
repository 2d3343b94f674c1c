import path from 'node:path';
import type { Logger } from 'pino';
import { loadWebHandler, type WebAppState } from './web-app.ts';
import { buildWeb, isWebBuildFresh } from './web-build.ts';

/** How build/ is judged and made (web-build.ts). */
export interface Builder {
  isFresh(root: string): boolean;
  build(root: string, options: { quiet: boolean; signal: AbortSignal }): Promise<void>;
}

export interface WebApp {
  /** What a page request meets now. */
  state(): WebAppState;
  /** Settles once the web app is served, or known not to be (missing, its build failed or stopped). */
  ready: Promise<void>;
  /** Stops a build still running (the server is stopping). */
  stop(): void;
}

/**
 * The SvelteKit build in build/ for a starting server. With `build` (`npm start`), a missing or
 * stale build is made in a child process while the server opens its databases and answers its API
 * (and the demo backfills its history), instead of before it: pages answer 503 and ask again
 * meanwhile, then the new build is served. Otherwise build/ is served as it is, from the start.
 */
export async function openWebApp(root: string, options: { build: boolean; logger: Logger; builder?: Builder }): Promise<WebApp> {
  const builder = options.builder ?? { isFresh: isWebBuildFresh, build: buildWeb };
  const buildDir = path.join(root, 'build');
  const abort = new AbortController();
  let state: WebAppState = { kind: 'missing' };
  const load = async () => {
    const handler = await loadWebHandler(buildDir);
    state = handler ? { kind: 'ready', handler } : { kind: 'missing' };
  };
  let ready: Promise<void>;
  if (options.build && !builder.isFresh(root)) {
    state = { kind: 'building' };
    const started = Date.now();
    options.logger.info('building the web app alongside the start (its sources changed, or it was never built)');
    ready = builder.build(root, { quiet: true, signal: abort.signal }).then(
      async () => {
        await load();
        options.logger.info({ ms: Date.now() - started }, 'web app built');
      },
      (error: unknown) => {
        state = { kind: 'failed' };
        if (abort.signal.aborted) return;
        options.logger.error({ err: error }, 'the web app could not be built; pages answer 503 until `npm run web:build` succeeds');
      },
    );
  } else {
    await load();
    if (state.kind === 'missing') options.logger.warn('the web app is not built (build/handler.js); pages answer 503 until `npm run web:build`');
    ready = Promise.resolve();
  }
  return { state: () => state, ready, stop: () => abort.abort() };
}
