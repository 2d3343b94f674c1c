import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run web:dev`: the app on vite's dev server, the API and socket.io proxied to a running Tower.
const api = process.env.TOWER_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/socket.io': { target: api, ws: true },
    },
  },
  build: { chunkSizeWarningLimit: 1200 },
});
