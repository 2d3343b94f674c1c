import { addDays, dayOfWeek, isWithin, thanksgiving, yearOf, type Day } from './calendar.ts';
import type { Channel } from './order-body.ts';
import type { Random } from './random.ts';

/**
 * A promotion window: the fields of Tower's POST /api/promotions (a coded percent off the order,
 * or off one category's lines), the demand it lifts and how many buyers enter the code.
 */
export interface SimPromotion {
  code: string;
  name: string;
  kind: 'order_percent' | 'line_percent';
  percentBp: number;
  category: string | null;
  start: Day;
  /** First day after the promotion. */
  end: Day;
  /** Orders multiply by this on the channels it runs on. */
  uplift: number;
  channels: readonly Channel[];
  /** Share of the window's orders on those channels that carry the code. */
  codeShare: number;
}

const CONSUMER_CHANNELS: readonly Channel[] = ['web', 'marketplace', 'phone'];
// Roughly one flash sale a month besides the calendar's fixed events.
const FLASH_SALE_EVERY_DAYS = 30;

function yymmdd(day: Day): string {
  return day.replaceAll('-', '').slice(2);
}

/** The retail calendar of one year: spring, summer, back to school, Black Friday to Cyber Monday, holidays. */
function calendarPromotions(year: number, random: Random): SimPromotion[] {
  const blackFriday = addDays(thanksgiving(year), 1);
  const spring = `${year}-03-${String(random.int(10, 22)).padStart(2, '0')}`;
  const summer = `${year}-07-${String(random.int(8, 20)).padStart(2, '0')}`;
  const yy = String(year).slice(2);
  return [
    { code: `SPRING${yy}`, name: `Spring sale ${year}`, kind: 'order_percent', percentBp: 1_500, category: null, start: spring, end: addDays(spring, 5), uplift: 1.35, channels: CONSUMER_CHANNELS, codeShare: 0.5 },
    { code: `SUMMER${yy}`, name: `Summer sale ${year}`, kind: 'order_percent', percentBp: 2_000, category: null, start: summer, end: addDays(summer, 7), uplift: 1.3, channels: CONSUMER_CHANNELS, codeShare: 0.5 },
    { code: `SCHOOL${yy}`, name: `Back to school ${year}`, kind: 'line_percent', percentBp: 2_500, category: 'apparel', start: `${year}-08-10`, end: `${year}-08-21`, uplift: 1.15, channels: ['web', 'marketplace', 'store'], codeShare: 0.4 },
    { code: `BLACKFRIDAY${yy}`, name: `Black Friday to Cyber Monday ${year}`, kind: 'order_percent', percentBp: 2_500, category: null, start: blackFriday, end: addDays(blackFriday, 4), uplift: 2.4, channels: ['web', 'marketplace', 'phone', 'store'], codeShare: 0.7 },
    { code: `HOLIDAY${yy}`, name: `Holiday gifts ${year}`, kind: 'line_percent', percentBp: 1_500, category: 'toys', start: `${year}-12-08`, end: `${year}-12-19`, uplift: 1.2, channels: CONSUMER_CHANNELS, codeShare: 0.35 },
  ];
}

/** Two-day flash sales on one category, on a Thursday or Friday, about once a month. */
function flashSales(from: Day, to: Day, categories: readonly string[], random: Random): SimPromotion[] {
  const sales: SimPromotion[] = [];
  for (let day = addDays(from, random.int(0, FLASH_SALE_EVERY_DAYS - 1)); day < to; day = addDays(day, random.int(FLASH_SALE_EVERY_DAYS - 8, FLASH_SALE_EVERY_DAYS + 8))) {
    const start = addDays(day, (4 - dayOfWeek(day) + 7) % 7 + (random.chance(0.5) ? 1 : 0));
    const category = random.pick(categories);
    sales.push({ code: `FLASH-${category.toUpperCase()}-${yymmdd(start)}`, name: `Flash sale: ${category}`, kind: 'line_percent', percentBp: random.pick([1_000, 2_000, 3_000]), category, start, end: addDays(start, 2), uplift: random.uniform(1.2, 1.6), channels: ['web', 'marketplace'], codeShare: 0.6 });
  }
  return sales;
}

/** Every promotion that overlaps [from, to), sorted by start. */
export function schedulePromotions(from: Day, to: Day, categories: readonly string[], random: Random): SimPromotion[] {
  const promotions: SimPromotion[] = [];
  for (let year = yearOf(from); year <= yearOf(to); year++) promotions.push(...calendarPromotions(year, random));
  promotions.push(...flashSales(from, to, categories, random));
  return promotions.filter((p) => p.end > from && p.start < to).sort((a, b) => a.start.localeCompare(b.start) || a.code.localeCompare(b.code));
}

export function activePromotions(promotions: readonly SimPromotion[], day: Day, channel: Channel): SimPromotion[] {
  return promotions.filter((p) => isWithin(day, p.start, p.end) && p.channels.includes(channel));
}
