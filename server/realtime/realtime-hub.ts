import type { Server as HttpServer } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Actor } from '#server/auth/actor.ts';
import type { ActorResolver, Credentials } from '#server/auth/resolve-actor.ts';
import { handshakeCredentials } from './handshake-credentials.ts';
import type { ClientToServerEvents, ForecastRunMessage, KpiSnapshot, OrderEventMessage, AlertMessage, RealtimeProblem, ServerToClientEvents, WhoAmI } from './realtime-events.ts';
import { postgresAdapter, type RealtimeClusterOptions } from './postgres-adapter.ts';
import { locationRoom, roomsFor, type Room } from './rooms.ts';

export type * from './realtime-events.ts';
export type { RealtimeClusterOptions } from './postgres-adapter.ts';

export const REALTIME_PATH = '/socket.io';
const DEFAULT_RECHECK_MS = 30_000;
/** Credentials re-checked at once; the resolver caches, but a token check is one UPDATE. */
const RECHECK_CONCURRENCY = 8;

interface SocketData {
  actor: Actor;
}
type TowerServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type TowerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeOptions {
  /** The same instance the HTTP API uses, so that logout and revocation (`forget`) apply here at once. */
  resolver: Pick<ActorResolver, 'resolve'>;
  logger: Logger;
  /** The session cookie's name (server/http/authenticate.ts's SESSION_COOKIE). */
  sessionCookie: string;
  /** How often every connection's credentials are checked again; 30 s by default. */
  recheckMs?: number;
  /**
   * Several Tower instances: broadcasts go through PostgreSQL (LISTEN/NOTIFY), so a client
   * connected to any instance receives what any other emits. Without it, this instance only.
   */
  cluster?: RealtimeClusterOptions;
}

/** The one way the rest of Tower pushes to socket.io clients. */
export interface RealtimeHub {
  /** To room `orders`: every relayed event. */
  emitOrderEvent(event: OrderEventMessage): void;
  /** To room `kpis`. */
  emitKpis(snapshot: KpiSnapshot): void;
  /** To room `alerts`. */
  emitAlert(alert: AlertMessage): void;
  /** To room `forecasts`: a run's progress and end. */
  emitForecastRun(run: ForecastRunMessage): void;
  /** To the users limited to this location (room `location:<id>`). */
  emitToLocation<E extends keyof ServerToClientEvents>(locationId: string, event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  /** Checks every connection's credentials again now (the timer does this every `recheckMs`). */
  recheck(): Promise<void>;
  /** Connected sockets (on this instance). */
  connectionCount(): number;
  /** Instances this one exchanges broadcasts with, itself included (1 without `cluster`). */
  serverCount(): Promise<number>;
  /** Disconnects everyone and stops; leaves the HTTP server itself open (its owner closes it). */
  close(): Promise<void>;
}

function problem(type: RealtimeProblem['type'], detail: string): Error & { data: RealtimeProblem } {
  return Object.assign(new Error(type), { data: { type, detail } });
}

/**
 * socket.io on the API's own HTTP server, path `/socket.io`, same origin only (no CORS).
 * Each connection authenticates like an HTTP request and joins the rooms its permissions allow.
 */
export function attachRealtime(httpServer: HttpServer | Http2Server | Http2SecureServer, options: RealtimeOptions): RealtimeHub {
  const { resolver, sessionCookie } = options;
  const logger = options.logger.child({ component: 'realtime' });
  const io: TowerServer = new Server(httpServer as HttpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    // Clients only ask `whoami`; nothing large ever comes in.
    maxHttpBufferSize: 64 * 1024,
    ...(options.cluster ? { adapter: postgresAdapter(options.cluster, logger) } : {}),
  });
  /** Kept out of `socket.data`, which adapters may serialize: the secrets stay in this closure. */
  const credentialsOf = new WeakMap<TowerSocket, Credentials>();

  io.use((socket, next) => {
    const found = handshakeCredentials(socket.handshake, sessionCookie);
    if (found.credentials === null) return next(problem('unauthorized', found.problem));
    resolver
      .resolve(found.credentials)
      .then((resolution) => {
        if (!resolution.actor) {
          logger.info({ via: found.via, reason: resolution.reason }, 'socket.io connection refused');
          return next(problem('unauthorized', resolution.reason));
        }
        socket.data.actor = resolution.actor;
        credentialsOf.set(socket, found.credentials);
        next();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not authenticate a socket.io connection');
        next(problem('unavailable', 'Could not check the credentials; try again'));
      });
  });

  io.on('connection', (socket) => {
    const rooms = syncRooms(socket);
    logger.debug({ actor: describe(socket.data.actor), rooms }, 'socket.io client connected');
    socket.on('whoami', (ack) => {
      if (typeof ack !== 'function') return;
      const { kind, label, roles } = socket.data.actor;
      const answer: WhoAmI = { actor: { kind, label, roles }, rooms: joinedRooms(socket) };
      ack(answer);
    });
  });

  let checking: Promise<void> | null = null;
  async function recheckAll(): Promise<void> {
    const groups = new Map<string, { credentials: Credentials; sockets: TowerSocket[] }>();
    for (const socket of io.of('/').sockets.values()) {
      const credentials = credentialsOf.get(socket);
      if (!credentials) continue;
      const key = credentials.bearer !== undefined ? `b:${credentials.bearer}` : `s:${credentials.session ?? ''}`;
      const group = groups.get(key) ?? { credentials, sockets: [] };
      group.sockets.push(socket);
      groups.set(key, group);
    }
    const pending = [...groups.values()];
    const worker = async () => {
      for (let group = pending.pop(); group; group = pending.pop()) await recheckGroup(group.credentials, group.sockets);
    };
    await Promise.all(Array.from({ length: Math.min(RECHECK_CONCURRENCY, pending.length) }, worker));
  }

  async function recheckGroup(credentials: Credentials, sockets: TowerSocket[]): Promise<void> {
    let resolution;
    try {
      resolution = await resolver.resolve(credentials);
    } catch (error) {
      // The database is unreachable: keep the connections rather than drop everyone.
      logger.warn({ err: error }, 'could not re-check a socket.io connection');
      return;
    }
    for (const socket of sockets) {
      if (!socket.connected) continue;
      if (resolution.actor) {
        socket.data.actor = resolution.actor;
        syncRooms(socket);
        continue;
      }
      logger.info({ actor: describe(socket.data.actor), reason: resolution.reason }, 'socket.io connection closed: credentials no longer valid');
      socket.emit('session:ended', { type: 'unauthorized', detail: resolution.reason });
      socket.disconnect(true);
    }
  }

  function recheck(): Promise<void> {
    // One pass at a time: a slow database must not pile passes up.
    checking ??= recheckAll().finally(() => (checking = null));
    return checking;
  }

  const timer = setInterval(() => void recheck(), options.recheckMs ?? DEFAULT_RECHECK_MS);
  timer.unref();

  return {
    emitOrderEvent: (event) => void io.to('orders').emit('order:event', event),
    emitKpis: (snapshot) => void io.to('kpis').emit('kpis', snapshot),
    emitAlert: (alert) => void io.to('alerts').emit('alert', alert),
    emitForecastRun: (run) => void io.to('forecasts').emit('forecast:run', run),
    emitToLocation: (locationId, event, ...args) => void io.to(locationRoom(locationId)).emit(event, ...args),
    recheck,
    connectionCount: () => io.of('/').sockets.size,
    serverCount: () => io.of('/').adapter.serverCount(),
    async close() {
      clearInterval(timer);
      await checking;
      // Not `io.close()`: that also closes the HTTP server, whose owner closes it (and waits for it).
      // `local`: with a cluster adapter, a plain disconnectSockets would reach every instance.
      io.local.disconnectSockets(true);
      await io.of('/').adapter.close();
      io.engine.close();
    },
  };
}

/** Joins the actor's rooms and leaves the ones it lost (roles or locations changed). */
function syncRooms(socket: TowerSocket): Room[] {
  const wanted = roomsFor(socket.data.actor);
  for (const room of joinedRooms(socket)) if (!wanted.includes(room)) void socket.leave(room);
  void socket.join(wanted);
  return wanted;
}

function joinedRooms(socket: TowerSocket): Room[] {
  return [...socket.rooms].filter((room) => room !== socket.id).sort() as Room[];
}

function describe(actor: Actor) {
  return { kind: actor.kind, id: actor.id };
}
