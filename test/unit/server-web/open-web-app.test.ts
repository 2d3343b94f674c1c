import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openWebApp, type Builder } from '#server/web/open-web-app.ts';
import { withWebApp, type WebAppState } from '#server/web/web-app.ts';

const roots: string[] = [];
const logged: { level: number; msg: string }[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) });

function emptyRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'tower-web-'));
  roots.push(root);
  return root;
}

/** What vite would leave: build/handler.js answering every page with its own name. */
function writeBuild(root: string, name: string): void {
  mkdirSync(path.join(root, 'build'), { recursive: true });
  writeFileSync(path.join(root, 'build', 'handler.js'), `export const handler = (req, res) => res.end(${JSON.stringify(name)});\n`);
}

/** A build that finishes when told to. */
function controlledBuild(root: string) {
  let finish!: (ok: boolean) => void;
  const builds: { quiet: boolean; signal: AbortSignal }[] = [];
  const builder: Builder = {
    isFresh: () => false,
    build: (_root, options) => {
      builds.push(options);
      return new Promise((resolve, reject) => {
        finish = (ok) => {
          if (ok) writeBuild(root, 'fresh');
          return ok ? resolve() : reject(new Error('vite build of the web app failed (exit code 1)'));
        };
        options.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    },
  };
  return { builder, builds, finish: (ok: boolean) => finish(ok) };
}

const api = () => new Response('api');
async function page(state: () => WebAppState, pathname = '/tower') {
  return withWebApp(api, state)(new Request(`http://tower.test${pathname}`), {} as never);
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  logged.length = 0;
});

describe('openWebApp', () => {
  it('builds a stale app alongside the start: pages answer 503 and ask again until it is served, the API meanwhile', async () => {
    const root = emptyRoot();
    const { builder, builds, finish } = controlledBuild(root);
    const webApp = await openWebApp(root, { build: true, logger, builder });
    expect(builds).toHaveLength(1);
    expect(webApp.state().kind).toBe('building');
    const waiting = (await page(webApp.state)) as Response;
    expect(waiting.status).toBe(503);
    expect(waiting.headers.get('retry-after')).toBe('3');
    expect(await waiting.text()).toContain('http-equiv="refresh"');
    expect(await ((await page(webApp.state, '/api/health')) as Response).text()).toBe('api');
    finish(true);
    await webApp.ready;
    expect(webApp.state().kind).toBe('ready');
    expect(logged.map((l) => l.msg)).toContain('web app built');
  });

  it('keeps the API up when the build fails, and says so on every page and in the log', async () => {
    const root = emptyRoot();
    const { builder, finish } = controlledBuild(root);
    const webApp = await openWebApp(root, { build: true, logger, builder });
    finish(false);
    await webApp.ready;
    expect(webApp.state().kind).toBe('failed');
    const answer = (await page(webApp.state)) as Response;
    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain('build failed');
    expect(logged.some((l) => l.level === 50 && l.msg.includes('could not be built'))).toBe(true);
  });

  it('stops a build still running when the server stops, quietly', async () => {
    const root = emptyRoot();
    const { builder, builds } = controlledBuild(root);
    const webApp = await openWebApp(root, { build: true, logger, builder });
    webApp.stop();
    await webApp.ready;
    expect(builds[0]!.signal.aborted).toBe(true);
    expect(logged.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('serves a fresh build from the start without building, and a missing one as not built when not asked to build', async () => {
    const fresh = emptyRoot();
    writeBuild(fresh, 'old');
    const { builder, builds } = controlledBuild(fresh);
    const served = await openWebApp(fresh, { build: true, logger, builder: { ...builder, isFresh: () => true } });
    expect(builds).toHaveLength(0);
    expect(served.state().kind).toBe('ready');

    const missing = await openWebApp(emptyRoot(), { build: false, logger });
    expect(missing.state().kind).toBe('missing');
    const answer = (await page(missing.state)) as Response;
    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain('not built');
  });
});
