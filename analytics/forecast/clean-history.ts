/**
 * Turns a caller's values into a model-ready history: leading missing values are dropped (the
 * series had not started), inner ones interpolated linearly, trailing ones filled from a season
 * back (or the last value). The raw values are kept for scoring, where missing actuals are skipped.
 */
export interface CleanHistory {
  /** How many leading values were dropped. */
  lead: number;
  /** The values from the first observed one on, missing ones as NaN. */
  raw: number[];
  /** The same, with missing values filled: finite everywhere. */
  filled: number[];
  observedCount: number;
  nonNegative: boolean;
}

export function cleanHistory(values: readonly number[], seasonLength: number): CleanHistory {
  const asNumber = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN));
  const lead = asNumber.findIndex((v) => !Number.isNaN(v));
  if (lead < 0) return { lead: values.length, raw: [], filled: [], observedCount: 0, nonNegative: true };
  const raw = asNumber.slice(lead);
  const filled = raw.slice();
  let previous = 0;
  for (let t = 1; t < filled.length; t++) {
    if (!Number.isNaN(filled[t]!)) {
      previous = t;
      continue;
    }
    let next = t + 1;
    while (next < filled.length && Number.isNaN(raw[next]!)) next++;
    if (next < filled.length) {
      const [a, b] = [filled[previous]!, raw[next]!];
      for (let k = t; k < next; k++) filled[k] = a + ((b - a) * (k - previous)) / (next - previous);
    } else {
      for (let k = t; k < filled.length; k++) filled[k] = seasonLength > 1 && k - seasonLength >= 0 ? filled[k - seasonLength]! : filled[previous]!;
    }
    t = next - 1;
  }
  const observed = raw.filter((v) => !Number.isNaN(v));
  return { lead, raw, filled, observedCount: observed.length, nonNegative: observed.every((v) => v >= 0) };
}
