import type { Permission } from '#server/auth/permissions.ts';

/** Every route registered through a router, by `METHOD /path/:param`, with its permission. */
const routePermissions = new Map<string, Permission>();

function key(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replaceAll(/\/{(.+?)}/g, '/:$1')}`;
}

export function recordRoutePermission(method: string, path: string, permission: Permission): void {
  const k = key(method, path);
  const known = routePermissions.get(k);
  if (known !== undefined && known !== permission) throw new Error(`${k} is registered twice with different permissions`);
  routePermissions.set(k, permission);
}

/** Every registered route as `{ method, path, permission }` (path in `/:param` form), e.g. for the route × role matrix test. */
export function registeredRoutes(): { method: string; path: string; permission: Permission }[] {
  return [...routePermissions].map(([k, permission]) => {
    const [method, path] = k.split(' ') as [string, string];
    return { method, path, permission };
  });
}

export function permissionOf(method: string, path: string): Permission | undefined {
  return routePermissions.get(key(method, path));
}

/**
 * Refuses to start an app with a route that no permission covers (e.g. added with a plain
 * `app.get`): the check behind "a route without an explicit permission cannot be registered".
 */
export function assertEveryRouteHasPermission(routes: readonly { method: string; path: string }[]): void {
  const missing = routes
    .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api'))
    .map((r) => key(r.method, r.path))
    .filter((k) => !routePermissions.has(k));
  if (missing.length > 0) throw new Error(`routes without a permission: ${[...new Set(missing)].join(', ')}`);
}
