import { describe, expect, it } from 'vitest';
import { apiPreloads, withApiPreloads } from '../../../web/lib/page-preloads.ts';
import { currentKpisUrl, DEFAULT_WINDOW } from '../../../web/lib/tower/tower-window.ts';

describe('the page shell’s API preloads', () => {
  it('every page asks who is signed in; the control tower also its default window’s KPIs, by the URL it then fetches', () => {
    expect(apiPreloads('/orders')).toEqual(['/api/auth/me']);
    expect(apiPreloads('/tower')).toEqual(['/api/auth/me', '/api/kpis?window=24h']);
    expect(apiPreloads('/tower')[1]).toBe(currentKpisUrl(DEFAULT_WINDOW));
  });

  it('a filtered window is another URL (not preloaded)', () => {
    expect(currentKpisUrl('7d', { channel: 'web' })).toBe('/api/kpis?window=7d&channel=web');
  });

  it('go ahead of SvelteKit’s own preloads in the Link header, in the API client’s fetch mode', () => {
    expect(withApiPreloads(['/api/auth/me'], '<./_app/start.js>; rel="modulepreload"; nopush')).toBe(
      '</api/auth/me>; rel="preload"; as="fetch"; crossorigin="anonymous", <./_app/start.js>; rel="modulepreload"; nopush',
    );
    expect(withApiPreloads(['/api/auth/me'], null)).toBe('</api/auth/me>; rel="preload"; as="fetch"; crossorigin="anonymous"');
    expect(withApiPreloads([], 'theirs')).toBe('theirs');
  });
});
