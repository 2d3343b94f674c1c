/** Tower's return reasons (db/schema/returns.ts), repeated so the simulator depends on the API's words, not its tables. */
export const returnReasons = ['damaged', 'defective', 'wrong_item', 'not_as_described', 'size_or_fit', 'no_longer_needed', 'arrived_late', 'other'] as const;
export type ReturnReason = (typeof returnReasons)[number];
