import { sql } from 'drizzle-orm';
import type { Database } from '#db/client.ts';

export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  [component: string]: string;
}

/** Runs every component's check with a deadline; a failing one is named with its reason. */
export async function checkHealth(checks: Record<string, HealthCheck>, timeoutMs = 2_000): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `error: ${error instanceof Error ? error.message : String(error)}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const healthy = entries.every(([, state]) => state === 'ok');
  return { status: healthy ? 'ok' : 'unavailable', ...Object.fromEntries(entries) };
}

export function postgresCheck(db: Database): HealthCheck {
  return async () => {
    await db.execute(sql`select 1`);
  };
}
