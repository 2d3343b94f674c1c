import type { Handle } from '@sveltejs/kit';
import { apiPreloads, withApiPreloads } from '$lib/page-preloads.ts';

/**
 * Pages render in the browser (ssr = false), but the page shell is still served from here: its
 * `Link` header gets the page's first API requests (lib/page-preloads.ts).
 */
export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  if (!response.headers.get('content-type')?.startsWith('text/html')) return response;
  const link = withApiPreloads(apiPreloads(event.url.pathname), response.headers.get('link'));
  if (link) response.headers.set('link', link);
  return response;
};
