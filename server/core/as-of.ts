import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from './clock.ts';

/**
 * The moment a request is dated to (x-tower-as-of), for everything that runs on its behalf.
 * Kept per async context, not per process: concurrent requests each keep their own.
 */
const asOfStorage = new AsyncLocalStorage<Date>();

export function runAsOf<T>(moment: Date, fn: () => T): T {
  return asOfStorage.run(moment, fn);
}

export function currentAsOf(): Date | undefined {
  return asOfStorage.getStore();
}

/**
 * `base`, except inside a dated request, where every reading is the request's moment. Work
 * shared between requests (a batched statement) must carry the values its requests read,
 * never read this clock itself: it runs in whichever request's context started it.
 */
export function requestScopedClock(base: Clock): Clock {
  return {
    now: () => {
      const moment = asOfStorage.getStore();
      return moment ? new Date(moment.getTime()) : base.now();
    },
  };
}
