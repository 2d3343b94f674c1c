import { seriesPageUrl } from './forecasts/forecast-urls.ts';
import { currentKpisUrl, DEFAULT_WINDOW } from './tower/tower-window.ts';

/**
 * The API requests a page makes before anything else, by path: the page shell preloads them,
 * so they are answered while the scripts download instead of after they have run. Each URL
 * must be exactly the one the page then fetches (same mode and credentials too) to be reused.
 */
export function apiPreloads(pathname: string): string[] {
  // Who is signed in is the first question of every page.
  const urls = ['/api/auth/me'];
  if (pathname === '/tower') urls.push(currentKpisUrl(DEFAULT_WINDOW));
  // The forecasts page's first question: the latest run's riskiest series.
  if (pathname === '/forecasts') urls.push(seriesPageUrl());
  return urls;
}

/**
 * A `Link` header value for these preloads, ahead of `existing` (SvelteKit's own: stylesheets and
 * modulepreloads), so that Chromium starts them first on its six connections to the origin.
 * `crossorigin="anonymous"` is the mode and credentials of the API client's fetch (cors, same-origin).
 */
export function withApiPreloads(urls: readonly string[], existing: string | null): string | null {
  if (urls.length === 0) return existing;
  const ours = urls.map((url) => `<${url}>; rel="preload"; as="fetch"; crossorigin="anonymous"`).join(', ');
  return existing ? `${ours}, ${existing}` : ours;
}
