/** A US metro area customers live in: population (millions) weighs how many of them there are. */
export interface Metro {
  city: string;
  state: string;
  lat: number;
  lon: number;
  populationMillions: number;
  /** First three digits of the metro's ZIP codes. */
  zip3: string;
}

/** The forty largest-ish continental US metros (rounded 2020s populations, city-centre coordinates). */
export const metros: readonly Metro[] = [
  { city: 'New York', state: 'NY', lat: 40.7128, lon: -74.006, populationMillions: 19.5, zip3: '100' },
  { city: 'Los Angeles', state: 'CA', lat: 34.0522, lon: -118.2437, populationMillions: 12.8, zip3: '900' },
  { city: 'Chicago', state: 'IL', lat: 41.8781, lon: -87.6298, populationMillions: 9.3, zip3: '606' },
  { city: 'Dallas', state: 'TX', lat: 32.7767, lon: -96.797, populationMillions: 8.1, zip3: '752' },
  { city: 'Houston', state: 'TX', lat: 29.7604, lon: -95.3698, populationMillions: 7.5, zip3: '770' },
  { city: 'Washington', state: 'DC', lat: 38.9072, lon: -77.0369, populationMillions: 6.3, zip3: '200' },
  { city: 'Philadelphia', state: 'PA', lat: 39.9526, lon: -75.1652, populationMillions: 6.2, zip3: '191' },
  { city: 'Atlanta', state: 'GA', lat: 33.749, lon: -84.388, populationMillions: 6.3, zip3: '303' },
  { city: 'Miami', state: 'FL', lat: 25.7617, lon: -80.1918, populationMillions: 6.1, zip3: '331' },
  { city: 'Phoenix', state: 'AZ', lat: 33.4484, lon: -112.074, populationMillions: 5.0, zip3: '850' },
  { city: 'Boston', state: 'MA', lat: 42.3601, lon: -71.0589, populationMillions: 4.9, zip3: '021' },
  { city: 'Riverside', state: 'CA', lat: 33.9806, lon: -117.3755, populationMillions: 4.6, zip3: '925' },
  { city: 'San Francisco', state: 'CA', lat: 37.7749, lon: -122.4194, populationMillions: 4.6, zip3: '941' },
  { city: 'Detroit', state: 'MI', lat: 42.3314, lon: -83.0458, populationMillions: 4.3, zip3: '482' },
  { city: 'Seattle', state: 'WA', lat: 47.6062, lon: -122.3321, populationMillions: 4.0, zip3: '981' },
  { city: 'Minneapolis', state: 'MN', lat: 44.9778, lon: -93.265, populationMillions: 3.7, zip3: '554' },
  { city: 'San Diego', state: 'CA', lat: 32.7157, lon: -117.1611, populationMillions: 3.3, zip3: '921' },
  { city: 'Tampa', state: 'FL', lat: 27.9506, lon: -82.4572, populationMillions: 3.3, zip3: '336' },
  { city: 'Denver', state: 'CO', lat: 39.7392, lon: -104.9903, populationMillions: 3.0, zip3: '802' },
  { city: 'Baltimore', state: 'MD', lat: 39.2904, lon: -76.6122, populationMillions: 2.8, zip3: '212' },
  { city: 'St. Louis', state: 'MO', lat: 38.627, lon: -90.1994, populationMillions: 2.8, zip3: '631' },
  { city: 'Charlotte', state: 'NC', lat: 35.2271, lon: -80.8431, populationMillions: 2.8, zip3: '282' },
  { city: 'Orlando', state: 'FL', lat: 28.5383, lon: -81.3792, populationMillions: 2.7, zip3: '328' },
  { city: 'San Antonio', state: 'TX', lat: 29.4241, lon: -98.4936, populationMillions: 2.6, zip3: '782' },
  { city: 'Portland', state: 'OR', lat: 45.5152, lon: -122.6784, populationMillions: 2.5, zip3: '972' },
  { city: 'Sacramento', state: 'CA', lat: 38.5816, lon: -121.4944, populationMillions: 2.4, zip3: '958' },
  { city: 'Pittsburgh', state: 'PA', lat: 40.4406, lon: -79.9959, populationMillions: 2.4, zip3: '152' },
  { city: 'Austin', state: 'TX', lat: 30.2672, lon: -97.7431, populationMillions: 2.4, zip3: '787' },
  { city: 'Las Vegas', state: 'NV', lat: 36.1699, lon: -115.1398, populationMillions: 2.3, zip3: '891' },
  { city: 'Cincinnati', state: 'OH', lat: 39.1031, lon: -84.512, populationMillions: 2.3, zip3: '452' },
  { city: 'Kansas City', state: 'MO', lat: 39.0997, lon: -94.5786, populationMillions: 2.2, zip3: '641' },
  { city: 'Columbus', state: 'OH', lat: 39.9612, lon: -82.9988, populationMillions: 2.1, zip3: '432' },
  { city: 'Indianapolis', state: 'IN', lat: 39.7684, lon: -86.1581, populationMillions: 2.1, zip3: '462' },
  { city: 'Cleveland', state: 'OH', lat: 41.4993, lon: -81.6944, populationMillions: 2.1, zip3: '441' },
  { city: 'Nashville', state: 'TN', lat: 36.1627, lon: -86.7816, populationMillions: 2.0, zip3: '372' },
  { city: 'Raleigh', state: 'NC', lat: 35.7796, lon: -78.6382, populationMillions: 1.4, zip3: '276' },
  { city: 'Salt Lake City', state: 'UT', lat: 40.7608, lon: -111.891, populationMillions: 1.3, zip3: '841' },
  { city: 'Omaha', state: 'NE', lat: 41.2565, lon: -95.9345, populationMillions: 1.0, zip3: '681' },
  { city: 'Albuquerque', state: 'NM', lat: 35.0844, lon: -106.6504, populationMillions: 0.9, zip3: '871' },
  { city: 'Boise', state: 'ID', lat: 43.615, lon: -116.2023, populationMillions: 0.8, zip3: '837' },
];
