import type { Alert, AlertSeverity, AlertState } from '../../lib/api/types.ts';

/** `live`: open and acknowledged (the inbox's default); `all`: every state. */
export type StateFilter = AlertState | 'live' | 'all';

export interface AlertFilters {
  state: StateFilter;
  severity: AlertSeverity | '';
  rule: string;
  locationId: string;
}

export const DEFAULT_FILTERS: AlertFilters = { state: 'live', severity: '', rule: '', locationId: '' };
export const PAGE_SIZE = 25;

/**
 * The `state` the API is asked for (one request stream): the default view asks for open and
 * acknowledged at once (`open,acknowledged`), `all` for every state.
 */
export function streamStates(state: StateFilter): (string | undefined)[] {
  if (state === 'live') return ['open,acknowledged'];
  if (state === 'all') return [undefined];
  return [state];
}

/** Whether a stream asked for `streamState` (one state or several, comma separated) holds an alert in `state`. */
export function streamHolds(streamState: string | undefined, state: AlertState): boolean {
  return streamState === undefined || streamState.split(',').includes(state);
}

/** The query of one stream's page under these filters. */
export function alertQuery(filters: AlertFilters, state: string | undefined, cursor?: string | null) {
  return {
    state,
    severity: filters.severity || undefined,
    rule: filters.rule || undefined,
    locationId: filters.locationId || undefined,
    cursor: cursor ?? undefined,
    limit: PAGE_SIZE,
  };
}

/** Whether an alert belongs in the view these filters ask for (a live message is held to them). */
export function matchesFilters(alert: Pick<Alert, 'state' | 'severity' | 'rule' | 'locationId'>, filters: AlertFilters): boolean {
  if (!streamStates(filters.state).some((state) => streamHolds(state, alert.state))) return false;
  if (filters.severity && alert.severity !== filters.severity) return false;
  if (filters.rule && alert.rule !== filters.rule) return false;
  if (filters.locationId && alert.locationId !== filters.locationId) return false;
  return true;
}

/** Filters from the address (`?state=&severity=&rule=&locationId=`), unknown values dropped. */
export function filtersFromSearch(params: URLSearchParams): AlertFilters {
  const state = params.get('state');
  const severity = params.get('severity');
  return {
    state: state === 'open' || state === 'acknowledged' || state === 'resolved' || state === 'all' ? state : 'live',
    severity: severity === 'info' || severity === 'warning' || severity === 'critical' ? severity : '',
    rule: params.get('rule') ?? '',
    locationId: params.get('locationId') ?? '',
  };
}

/** The address of these filters (defaults left out), so a view can be shared and reloaded. */
export function searchOfFilters(filters: AlertFilters): string {
  const params = new URLSearchParams();
  if (filters.state !== 'live') params.set('state', filters.state);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.rule) params.set('rule', filters.rule);
  if (filters.locationId) params.set('locationId', filters.locationId);
  const text = params.toString();
  return text ? `?${text}` : '';
}
