import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './web-build.ts';

// `npm start` runs this first: a missing or stale build/ is rebuilt, a fresh one costs a hash.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = Date.now();
if (await ensureWebBuild(root)) console.log(`web app built in ${Date.now() - started} ms`);
