import { io, type Socket } from 'socket.io-client';
import type { AlertMessage, ClientToServerEvents, ForecastRunMessage, OrderEventMessage, ServerToClientEvents } from '#server/realtime/realtime-events.ts';
import type { Kpis } from '../api/types.ts';
import { batcher } from './throttle.ts';

export type { OrderEventMessage };

type Listener = (events: OrderEventMessage[]) => void;
type AlertListener = (alert: AlertMessage) => void;

/**
 * The one socket.io connection of the app (session cookie auth). Order events reach listeners
 * in batches at most every `EVENT_BATCH_MS`; the latest KPI snapshot is kept as state.
 */
export const EVENT_BATCH_MS = 250;

class LiveFeed {
  connected = $state(false);
  kpis = $state<Kpis | null>(null);
  kpisAt = $state<number | null>(null);
  eventsSeen = $state(0);
  /** The latest `forecast:run` progress (room `forecasts`: only those who may read forecasts get it). */
  forecastRun = $state<ForecastRunMessage | null>(null);
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private listeners = new Set<Listener>();
  /** `alert` messages (rooms `alerts` and `location:<id>`: only those who may read alerts get them). */
  private alertListeners = new Set<AlertListener>();
  private events = batcher<OrderEventMessage>((batch) => {
    this.eventsSeen += batch.length;
    for (const listener of this.listeners) listener(batch);
  }, EVENT_BATCH_MS);

  connect(): void {
    if (this.socket) return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ path: '/socket.io', transports: ['websocket'], withCredentials: true });
    socket.on('connect', () => (this.connected = true));
    socket.on('disconnect', () => (this.connected = false));
    socket.on('order:event', (event) => this.events.push(event));
    socket.on('kpis', (snapshot) => {
      this.kpis = snapshot as unknown as Kpis;
      this.kpisAt = Date.now();
    });
    socket.on('forecast:run', (run) => (this.forecastRun = run));
    socket.on('alert', (alert) => {
      for (const listener of this.alertListeners) listener(alert);
    });
    socket.on('session:ended', () => socket.disconnect());
    this.socket = socket;
  }

  disconnect(): void {
    this.events.cancel();
    this.socket?.disconnect();
    this.socket = null;
    this.connected = false;
    this.kpis = null;
    this.forecastRun = null;
  }

  /** Calls `listener` with each batch of order events; returns the unsubscribe function. */
  onEvents(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with each `alert` message as it comes (they are few); returns the unsubscribe function. */
  onAlert(listener: AlertListener): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }
}

export const live = new LiveFeed();
