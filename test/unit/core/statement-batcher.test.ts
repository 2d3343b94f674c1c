import { describe, expect, it } from 'vitest';
import { StatementBatcher } from '#server/core/statement-batcher.ts';

/** A statement that answers when told to, recording what each call carried. */
function gatedStatement(fail: (items: number[]) => boolean = () => false) {
  const calls: number[][] = [];
  const gates: (() => void)[] = [];
  const run = (items: number[]) => {
    calls.push(items);
    return new Promise<string[]>((resolve, reject) => {
      gates.push(() => (fail(items) ? reject(new Error(`failed ${items.join(',')}`)) : resolve(items.map((n) => `#${n}`))));
    });
  };
  const openAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { calls, run, openAll };
}

describe('StatementBatcher', () => {
  it('runs an item at once when idle, and carries the items that arrive meanwhile in the next statement', async () => {
    const statement = gatedStatement();
    const batcher = new StatementBatcher({ run: statement.run }, { maxInFlight: 1, maxBatch: 10 });
    const outs = [1, 2, 3, 4].map((n) => batcher.submit(n));
    await statement.openAll();
    expect(await Promise.all(outs)).toEqual(['#1', '#2', '#3', '#4']);
    expect(statement.calls).toEqual([[1], [2, 3, 4]]);
    expect(batcher.stats()).toEqual({ statements: 2, items: 4 });
  });

  it('never puts more than maxBatch items in a statement, nor runs more than maxInFlight at once', async () => {
    const statement = gatedStatement();
    const batcher = new StatementBatcher({ run: statement.run }, { maxInFlight: 2, maxBatch: 3 });
    const outs = Array.from({ length: 9 }, (_, n) => batcher.submit(n));
    expect(statement.calls).toEqual([[0], [1]]);
    await statement.openAll();
    await Promise.all(outs);
    expect(statement.calls).toEqual([[0], [1], [2, 3, 4], [5, 6, 7], [8]]);
  });

  it('keeps items that share a conflict key out of one statement', async () => {
    const statement = gatedStatement();
    const batcher = new StatementBatcher({ run: statement.run, conflictKeys: (n) => [`parity ${n % 2}`] }, { maxInFlight: 1, maxBatch: 10 });
    const outs = [0, 1, 2, 3, 4].map((n) => batcher.submit(n));
    await statement.openAll();
    await Promise.all(outs);
    expect(statement.calls).toEqual([[0], [1, 2], [3, 4]]);
  });

  it('when a shared statement fails, runs each of its items alone so only the bad one fails', async () => {
    const statement = gatedStatement((items) => items.includes(3));
    const batcher = new StatementBatcher({ run: statement.run }, { maxInFlight: 1, maxBatch: 10 });
    const outs = [1, 2, 3, 4].map((n) => batcher.submit(n).catch((error: Error) => error.message));
    await statement.openAll();
    expect(await Promise.all(outs)).toEqual(['#1', '#2', 'failed 3', '#4']);
    expect(statement.calls).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('refuses a statement that does not answer every item', async () => {
    const batcher = new StatementBatcher<number, string>({ run: async () => [] });
    await expect(batcher.submit(1)).rejects.toThrow('answered 0 of 1 items');
  });
  it('runs a statement again when it failed for what ran beside it (retryable), at most three times in all; other errors are not retried', async () => {
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    let calls = 0;
    const flaky = new StatementBatcher<number, string>(
      {
        run: async (items) => {
          calls++;
          if (calls <= 2) throw deadlock;
          return items.map((n) => `#${n}`);
        },
        retryable: (error) => (error as { code?: string }).code === '40P01',
      },
      { maxInFlight: 1 },
    );
    expect(await flaky.submit(7)).toBe('#7');
    expect(calls).toBe(3);

    let stuck = 0;
    const alwaysDeadlocked = new StatementBatcher<number, string>({ run: async () => (stuck++, Promise.reject(deadlock)), retryable: () => true }, { maxInFlight: 1 });
    await expect(alwaysDeadlocked.submit(1)).rejects.toThrow('deadlock detected');
    expect(stuck).toBe(3);

    let refused = 0;
    const other = new StatementBatcher<number, string>({ run: async () => (refused++, Promise.reject(new Error('out of stock'))), retryable: () => false }, { maxInFlight: 1 });
    await expect(other.submit(1)).rejects.toThrow('out of stock');
    expect(refused).toBe(1);
  });
});
