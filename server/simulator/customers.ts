import type { Metro } from './metros.ts';
import type { Address } from './order-body.ts';
import { createRandom, weightedTable, type Random, type WeightedTable } from './random.ts';

export interface SimCustomer {
  /** Position in the business's customer pool: the same index is always the same person. */
  index: number;
  name: string;
  email: string;
  address: Address;
}

const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Maria', 'Daniel', 'Karen', 'Wei', 'Nancy', 'Anthony', 'Lisa', 'Mark', 'Priya', 'Luis', 'Emily', 'Kevin', 'Aisha', 'Brian', 'Sofia', 'Jamal', 'Grace', 'Hiroshi', 'Olivia', 'Ahmed', 'Chloe'];
const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Nguyen', 'Clark', 'Patel', 'Kim', 'Chen', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Hill', 'Okafor'];
const STREETS = ['Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park', 'Walnut', 'Sunset', 'Lincoln', 'Jackson', 'River', 'Highland', 'Church', 'Spring', 'Chestnut', 'Franklin'];
const STREET_KINDS = ['St', 'Ave', 'Blvd', 'Rd', 'Ln', 'Dr', 'Ct', 'Way'];
// RFC 2606 domains: Tower sends order emails, and simulated customers must never be real inboxes.
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
const COMPANY_WORDS = ['Summit', 'Harbor', 'Pioneer', 'Lakeside', 'Keystone', 'Bluebird', 'Granite', 'Meridian', 'Evergreen', 'Redwood', 'Prairie', 'Beacon'];
const COMPANY_KINDS = ['Outfitters', 'Hospitality Group', 'Schools', 'Fitness Clubs', 'Gift Shops', 'Supply Co', 'Hotels', 'Athletics'];

const metroTables = new WeakMap<readonly Metro[], WeightedTable<Metro>>();

/** People live where people live: metros weighted by population. */
function metroTable(metros: readonly Metro[]): WeightedTable<Metro> {
  let table = metroTables.get(metros);
  if (!table) {
    table = weightedTable(metros, (m) => m.populationMillions);
    metroTables.set(metros, table);
  }
  return table;
}

/** A street address near the metro's centre (about ±15 km), rounded like a geocoder would. */
export function addressIn(metro: Metro, random: Random): Address {
  const address: Address = {
    line1: `${random.int(1, 9899)} ${random.pick(STREETS)} ${random.pick(STREET_KINDS)}`,
    city: metro.city,
    region: metro.state,
    postalCode: `${metro.zip3}${String(random.int(1, 99)).padStart(2, '0')}`,
    country: 'US',
    lat: Math.round((metro.lat + random.uniform(-0.14, 0.14)) * 10_000) / 10_000,
    lon: Math.round((metro.lon + random.uniform(-0.18, 0.18)) * 10_000) / 10_000,
  };
  if (random.chance(0.25)) address.line2 = `Apt ${random.int(1, 40)}${random.pick(['A', 'B', 'C', 'D'])}`;
  return address;
}

/**
 * The customer at one index of the pool, computed from the seed alone: a pool of any size costs
 * no memory, and the driver can rebuild any order's customer without storing it.
 */
export function customerAt(seed: number, index: number, metros: readonly Metro[]): SimCustomer {
  const random = createRandom(seed, 'customer', index);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const local = random.pickWeighted([`${first}.${last}`, `${first}${last}`, `${first[0]}${last}`], [5, 3, 2]).toLowerCase();
  return {
    index,
    name: `${first} ${last}`,
    // The index keeps every pool member's email distinct.
    email: `${local}${index}@${random.pick(EMAIL_DOMAINS)}`,
    address: addressIn(metroTable(metros).sample(random), random),
  };
}

/** A business buyer of the b2b channel: orders in cases, pays by invoice. */
export interface B2bAccount {
  name: string;
  email: string;
  address: Address;
}

export function createB2bAccounts(random: Random, metros: readonly Metro[], count: number): B2bAccount[] {
  const accounts: B2bAccount[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_KINDS)}`;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    accounts.push({ name, email: `purchasing.${i + 1}@${slug}.example.com`, address: addressIn(metroTable(metros).sample(random), random) });
  }
  return accounts;
}
