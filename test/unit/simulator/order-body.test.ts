import { describe, expect, it } from 'vitest';
import { channels as towerChannels } from '#db/schema/orders.ts';
import { returnReasons as towerReturnReasons } from '#db/schema/returns.ts';
import { channels } from '#server/simulator/order-body.ts';
import { returnReasons } from '#server/simulator/return-reasons.ts';

describe('the simulator speaks Tower’s words', () => {
  it('knows every sales channel and return reason Tower knows, no more', () => {
    expect([...channels].sort()).toEqual([...towerChannels].sort());
    expect([...returnReasons].sort()).toEqual([...towerReturnReasons].sort());
  });
});
