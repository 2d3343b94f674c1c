import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The control tower lives in web/ (routes, lib) and is built into build/ by adapter-node; the
 * Tower server (server/web/) mounts build/handler.js on its own port. Pages render in the
 * browser (ssr = false in the root layout): they hold live socket.io state, not SEO content.
 */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build', precompress: true }),
    outDir: 'web/.svelte-kit',
    files: {
      routes: 'web/routes',
      lib: 'web/lib',
      appTemplate: 'web/app.html',
      assets: 'web/static',
      hooks: { client: 'web/hooks.client', server: 'web/hooks.server', universal: 'web/hooks' },
      params: 'web/params',
      serviceWorker: 'web/service-worker',
      errorTemplate: 'web/error.html',
    },
  },
};
