import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, RealtimeProblem, ServerToClientEvents, WhoAmI } from '#server/realtime/realtime-hub.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Options = Partial<ManagerOptions & SocketOptions>;

/** Opens socket.io connections to one server and closes them all at the end of each test. */
export class RealtimeClients {
  private readonly open: ClientSocket[] = [];

  constructor(private readonly url: string) {}

  private socket(options: Options): ClientSocket {
    const socket: ClientSocket = io(this.url, { path: '/socket.io', reconnection: false, forceNew: true, transports: ['websocket'], ...options });
    this.open.push(socket);
    return socket;
  }

  /** Resolves once connected; rejects with the `connect_error`. */
  connect(options: Options = {}): Promise<ClientSocket> {
    const socket = this.socket(options);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  /** Resolves with the `connect_error` of a connection the server refuses. */
  refusal(options: Options = {}): Promise<{ message: string; data: RealtimeProblem }> {
    const socket = this.socket(options);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the server accepted the connection')));
      socket.once('connect_error', (error) => resolve(error as unknown as { message: string; data: RealtimeProblem }));
    });
  }

  closeAll(): void {
    for (const socket of this.open.splice(0)) socket.close();
  }
}

export function whoami(socket: ClientSocket): Promise<WhoAmI> {
  return socket.timeout(5_000).emitWithAck('whoami');
}

/** The next `event` on `socket`, or a rejection after `ms`. */
export function next<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E, ms = 5_000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    }) as never);
  });
}

/** Collects every `event` on `socket` from now on. */
export function collect<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/** The reason of the socket's next disconnect: call it before whatever should cause one. */
export function disconnected(socket: ClientSocket, ms = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}
