import type { IncomingHttpHeaders } from 'node:http';
import type { Credentials } from '#server/auth/resolve-actor.ts';

export interface HandshakeLike {
  auth: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export type HandshakeCredentials =
  | { credentials: Credentials; via: 'token' | 'bearer' | 'cookie' | 'none' }
  | { credentials: null; problem: string };

/**
 * The same credentials as an HTTP request, in the same order: an API token (socket.io's
 * `auth.token`, or an `Authorization: Bearer` header), else the session cookie. A cookie is
 * only taken from the page's own origin: a browser sends it along on a WebSocket opened by
 * any site (cross-site WebSocket hijacking), and there is no CSRF token on a handshake.
 */
export function handshakeCredentials(handshake: HandshakeLike, sessionCookie: string): HandshakeCredentials {
  const token = handshake.auth['token'];
  if (token !== undefined) {
    if (typeof token !== 'string' || token === '') return { credentials: null, problem: 'auth.token must be an API token' };
    return { credentials: { bearer: token }, via: 'token' };
  }
  const authorization = handshake.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return { credentials: null, problem: 'The Authorization header must be "Bearer <token>"' };
    return { credentials: { bearer: match[1] }, via: 'bearer' };
  }
  const session = readCookie(handshake.headers.cookie, sessionCookie);
  if (session === undefined) return { credentials: {}, via: 'none' };
  if (!sameOrigin(handshake.headers)) return { credentials: null, problem: 'A session may only connect from its own origin' };
  return { credentials: { session }, via: 'cookie' };
}

/** The value of one cookie in a `Cookie` header (the first, as hono's `getCookie` reads it). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** No `Origin` (not a browser) or one naming the host the request was sent to. */
function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const forwarded = headers['x-forwarded-host'];
  const hosts = [headers.host, ...(Array.isArray(forwarded) ? forwarded : (forwarded?.split(',') ?? []))];
  return hosts.some((host) => host !== undefined && host.trim().toLowerCase() === originHost);
}
