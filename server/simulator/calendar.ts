/**
 * Days as 'YYYY-MM-DD' strings in UTC. The simulator never reads the clock: every function here
 * takes the day it talks about.
 */
export type Day = string;

const MS_PER_DAY = 86_400_000;

export function dayToMs(day: Day): number {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  return ms;
}

export function msToDay(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  return msToDay(dayToMs(day) + days * MS_PER_DAY);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((dayToMs(to) - dayToMs(from)) / MS_PER_DAY);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(day: Day): number {
  return new Date(dayToMs(day)).getUTCDay();
}

/** 0 = January … 11 = December. */
export function monthOf(day: Day): number {
  return Number(day.slice(5, 7)) - 1;
}

export function yearOf(day: Day): number {
  return Number(day.slice(0, 4));
}

/** Every day from `from` up to but not including `to`. */
export function* daysInRange(from: Day, to: Day): Generator<Day> {
  for (let day = from; day < to; day = addDays(day, 1)) yield day;
}

/** True when `day` lies in [start, end). */
export function isWithin(day: Day, start: Day, end: Day): boolean {
  return day >= start && day < end;
}

/** The US Thanksgiving of a year (fourth Thursday of November): Black Friday is the day after. */
export function thanksgiving(year: number): Day {
  const first = `${year}-11-01`;
  const toThursday = (4 - dayOfWeek(first) + 7) % 7;
  return addDays(first, toThursday + 21);
}
