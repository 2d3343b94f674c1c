import type { RealtimeHub } from '#server/realtime/realtime-hub.ts';
import type { AlertView } from './alert-view.ts';

/** Tells the people concerned that an alert opened, changed or resolved. */
export type AlertPublisher = (alert: AlertView) => void;

export const silentPublisher: AlertPublisher = () => undefined;

/**
 * socket.io `alert` to room `alerts` (everyone with alerts:read) and, for an alert about a
 * location, to that location's room (its staff). A user in both gets it twice: same id, same body.
 */
export function realtimeAlertPublisher(hub: Pick<RealtimeHub, 'emitAlert' | 'emitToLocation'>): AlertPublisher {
  return (alert) => {
    hub.emitAlert(alert);
    if (alert.locationId) hub.emitToLocation(alert.locationId, 'alert', alert);
  };
}
