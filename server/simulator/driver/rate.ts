const PER_MINUTE: Record<string, number> = { s: 60, sec: 60, second: 60, m: 1, min: 1, minute: 1, h: 1 / 60, hour: 1 / 60, d: 1 / 1440, day: 1 / 1440 };

/**
 * A rate as people write it: `30/min`, `2/s`, `500/h`, `12000/day` (a bare number is per minute),
 * as orders per minute. Throws with a readable message otherwise.
 */
export function parseRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([a-z]+))?\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? 'min';
  const factor = PER_MINUTE[unit];
  if (!match || factor === undefined) throw new Error(`"${text}" is not a rate: write it like 30/min, 2/s, 500/h or 12000/day`);
  const perMinute = Number(match[1]) * factor;
  if (!(perMinute > 0)) throw new Error(`the rate must be above zero, not "${text}"`);
  return perMinute;
}
