import type { EventType } from '#server/core/events.ts';
import type { Actor } from '#server/auth/actor.ts';
import type { Room } from './rooms.ts';

/**
 * One relayed outbox event, as the contract names it: `{"eventId","type","orderId","occurredAt",...}`.
 * Every event is pushed; `orderId` is null for events about something else (a stock
 * adjustment, a new product), which `aggregateType` and `aggregateId` name.
 */
export interface OrderEventMessage {
  eventId: string;
  type: EventType;
  orderId: string | null;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  [field: string]: unknown;
}

/** A KPI snapshot: the same shape as `GET /api/kpis` (typed there, by the analytics code). */
export type KpiSnapshot = { readonly [metric: string]: unknown };

/** An alert that opened, changed or resolved: an item of `GET /api/alerts`. */
export interface AlertMessage {
  id: string;
  rule: string;
  severity: string;
  state: string;
  [field: string]: unknown;
}

/** A forecast run's progress, then its end (`state` succeeded or failed), to room `forecasts`. */
export interface ForecastRunMessage {
  runId: string;
  number: number;
  state: 'running' | 'succeeded' | 'failed';
  seriesDone: number;
  seriesTotal: number;
  /** The step being worked on: reading demand, forecasting, proposing, saving. */
  stage: string;
  [field: string]: unknown;
}

/** Why the server closed a connection, or refused one (as `connect_error`'s `data`). */
export interface RealtimeProblem {
  type: 'unauthorized' | 'unavailable';
  detail: string;
}

/** What the server emits. Add an event here before emitting it. */
export interface ServerToClientEvents {
  'order:event': (event: OrderEventMessage) => void;
  kpis: (snapshot: KpiSnapshot) => void;
  alert: (alert: AlertMessage) => void;
  'forecast:run': (run: ForecastRunMessage) => void;
  /** Sent just before the server disconnects a socket whose session ended or token was revoked. */
  'session:ended': (problem: RealtimeProblem) => void;
}

export interface WhoAmI {
  actor: Pick<Actor, 'kind' | 'label' | 'roles'>;
  rooms: Room[];
}

/** What a client may ask. */
export interface ClientToServerEvents {
  whoami: (ack: (answer: WhoAmI) => void) => void;
}
