import type { Executor } from '#db/client.ts';
import type { RealtimeHub } from '#server/realtime/realtime-hub.ts';
import { presentAlert } from './alert-presenter.ts';
import type { AlertView } from './alert-view.ts';
import type { AlertChange } from './alerts.schemas.ts';

/** Tells the people concerned that an alert opened, changed or resolved, and how (`change`). */
export type AlertPublisher = (alert: AlertView, change: AlertChange) => void;

export const silentPublisher: AlertPublisher = () => undefined;

/**
 * socket.io `alert` (the API's alert with `change`) to room `alerts` (everyone with alerts:read)
 * and, for an alert about a location, to that location's room (its staff). A user in both gets it
 * twice: same id, same body. With `db`, each message first gets the assignee's name and the order
 * numbers (./alert-presenter.ts), published in the order they came in.
 */
export function realtimeAlertPublisher(hub: Pick<RealtimeHub, 'emitAlert' | 'emitToLocation'>, options: { db?: Executor } = {}): AlertPublisher {
  const emit = (alert: AlertView, change: AlertChange) => {
    const message = { ...alert, change };
    hub.emitAlert(message);
    if (alert.locationId) hub.emitToLocation(alert.locationId, 'alert', message);
  };
  const db = options.db;
  if (!db) return emit;
  let queue: Promise<void> = Promise.resolve();
  return (alert, change) => {
    queue = queue.then(() =>
      presentAlert(db, alert).then(
        (presented) => emit(presented, change),
        // Names are a courtesy: the message goes out without them rather than not at all.
        () => emit(alert, change),
      ),
    );
  };
}
