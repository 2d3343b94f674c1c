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
  build: {
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // ECharts stays its own chunk, imported when the first chart draws.
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 2 },
            // The code pages share in one chunk (what one page alone uses stays in its own): a
            // page's first scripts in a few requests instead of ~20 (HTTP/1.1 gives a browser six
            // connections to the origin).
            { name: 'shared', test: (id) => !/web[\\/]lib[\\/]charts[\\/]echarts\.ts$/.test(id) && /node_modules|web[\\/]lib/.test(id), minShareCount: 2, priority: 1 },
          ],
        },
      },
    },
  },
});
