import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from './web-build.ts';

// `npm run web:build`: a missing or stale build/ is rebuilt in the foreground, a fresh one costs a hash
// (`npm start` builds alongside the start instead, server/web/open-web-app.ts).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = Date.now();
if (await ensureWebBuild(root)) console.log(`web app built in ${Date.now() - started} ms`);
