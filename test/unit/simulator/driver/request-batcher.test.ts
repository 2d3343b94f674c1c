import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestBatcher } from '#server/simulator/driver/request-batcher.ts';
import { TowerClient } from '#server/simulator/driver/tower-client.ts';

let server: Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A stand-in server that holds every request until the test answers it. */
async function holdingServer() {
  const held: { url: string; body: string; res: ServerResponse }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => held.push({ url: req.url!, body, res }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, held };
}

const answer = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
async function until(condition: () => boolean) {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('RequestBatcher', () => {
  it('without a pace sends what one turn of the event loop submitted, answering each item with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new RequestBatcher<number, number>(async (items) => (batches.push(items), items.map((i) => i * 10)), 3);
    const first = [1, 2, 3, 4].map((i) => batcher.submit(i));
    await turn();
    const later = batcher.submit(5);
    expect(await Promise.all([...first, later])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2, 3], [4], [5]]);
  });

  it('with a pace goes on gathering while requests whose answers move lanes on are unanswered, then sends them together', async () => {
    const { url, held } = await holdingServer();
    const client = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 4, historical: false });
    const batches: string[][] = [];
    const wave = new RequestBatcher<string, string>(
      async (items) => {
        batches.push(items);
        const { body } = await client.request<string[]>('POST', '/wave', { body: items });
        return body;
      },
      100,
      { client, atMost: 0 },
    );
    // Two lanes wait for answers of their own; each goes on to the wave as its answer comes.
    const lane = (name: string) => client.request('GET', `/${name}`).then(() => wave.submit(name));
    const a = lane('a');
    const b = lane('b');
    await until(() => held.length === 2);
    answer(held.find((h) => h.url === '/a')!.res, {});
    // 'a' reached the wave while 'b' is unanswered: the wave waits for it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(batches).toEqual([]);
    answer(held.find((h) => h.url === '/b')!.res, {});
    await until(() => held.length === 3);
    expect(batches).toEqual([['a', 'b']]);
    expect(JSON.parse(held[2]!.body)).toEqual(['a', 'b']);
    answer(held[2]!.res, ['done a', 'done b']);
    expect(await Promise.all([a, b])).toEqual(['done a', 'done b']);
    client.close();
  });

  it('with a pace sends a full batch at once, and what is submitted with nothing unanswered in the next turn', async () => {
    const { url, held } = await holdingServer();
    const client = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 4, historical: false });
    const batches: number[][] = [];
    const batcher = new RequestBatcher<number, number>(async (items) => (batches.push(items), items), 2, { client, atMost: 0 });
    const pending = client.request('GET', '/slow');
    await until(() => held.length === 1);
    const full = [batcher.submit(1), batcher.submit(2), batcher.submit(3)];
    expect(await Promise.all(full.slice(0, 2))).toEqual([1, 2]);
    expect(batches).toEqual([[1, 2]]);
    answer(held[0]!.res, {});
    await pending;
    expect(await full[2]).toBe(3);
    expect(batches).toEqual([[1, 2], [3]]);
    // Nothing unanswered: it goes in the turn it was submitted.
    expect(await batcher.submit(4)).toBe(4);
    expect(batches.at(-1)).toEqual([4]);
    client.close();
  });
  it('sends a batch holding an urgent item at once, with what was gathered before it, as an urgent request', async () => {
    const { url, held } = await holdingServer();
    const client = new TowerClient({ baseUrl: url, auth: { token: 't' }, concurrency: 4, historical: false });
    const sent: { items: number[]; urgent: boolean }[] = [];
    const batcher = new RequestBatcher<number, number>(async (items, urgent) => (sent.push({ items, urgent }), items), 10, { client, atMost: 0 });
    const pending = client.request('GET', '/slow');
    await until(() => held.length === 1);
    const gathering = batcher.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([]);
    // A request is still unanswered, yet the urgent item does not wait, nor does the one gathered before it.
    expect(await Promise.all([gathering, batcher.submit(2, true)])).toEqual([1, 2]);
    expect(sent).toEqual([{ items: [1, 2], urgent: true }]);
    // The next batch gathers again, and is not urgent.
    const later = batcher.submit(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toHaveLength(1);
    answer(held[0]!.res, {});
    await pending;
    expect(await later).toBe(3);
    expect(sent.at(-1)).toEqual({ items: [3], urgent: false });
    client.close();
  });
});
