import type { ReturnReason } from './return-reasons.ts';

/** How one category of the simulated catalog looks and behaves. Money in cents, weight in grams, sides in mm. */
export interface CategorySpec {
  name: string;
  skuPrefix: string;
  count: number;
  /** Median list price and its lognormal spread. */
  medianPriceCents: number;
  priceSigma: number;
  medianWeightGrams: number;
  weightSigma: number;
  /** Smallest and largest side of a product's box. */
  sideMm: readonly [number, number];
  /** Share of sold units that come back: apparel high, electronics and grocery low. */
  returnRate: number;
  returnReasons: Partial<Record<ReturnReason, number>>;
  /** Share of the category's products that may be sold without stock. */
  backorderableShare: number;
  /** Share of the products shipped by the drop-ship vendor (bulky items). */
  dropshipShare: number;
  /** Product names; with a drop-ship share, the last two are the bulky items the vendor ships. */
  nouns: readonly string[];
  adjectives: readonly string[];
}

export const categorySpecs: readonly CategorySpec[] = [
  {
    name: 'apparel',
    skuPrefix: 'APP',
    count: 60,
    medianPriceCents: 3_500,
    priceSigma: 0.5,
    medianWeightGrams: 350,
    weightSigma: 0.5,
    sideMm: [30, 400],
    returnRate: 0.27,
    returnReasons: { size_or_fit: 55, not_as_described: 15, no_longer_needed: 15, damaged: 5, wrong_item: 5, other: 5 },
    backorderableShare: 0.3,
    dropshipShare: 0,
    nouns: ['Crew Tee', 'Oxford Shirt', 'Hoodie', 'Chino', 'Denim Jacket', 'Rain Shell', 'Merino Sweater', 'Jogger', 'Polo', 'Flannel Shirt', 'Puffer Vest', 'Cardigan', 'Linen Dress', 'Wool Coat'],
    adjectives: ['Classic', 'Essential', 'Heritage', 'Everyday', 'Lightweight', 'Relaxed', 'Slim', 'Organic'],
  },
  {
    name: 'footwear',
    skuPrefix: 'FTW',
    count: 30,
    medianPriceCents: 8_500,
    priceSigma: 0.4,
    medianWeightGrams: 900,
    weightSigma: 0.3,
    sideMm: [110, 340],
    returnRate: 0.2,
    returnReasons: { size_or_fit: 60, not_as_described: 10, no_longer_needed: 15, defective: 10, other: 5 },
    backorderableShare: 0.3,
    dropshipShare: 0,
    nouns: ['Runner', 'Trail Shoe', 'Chelsea Boot', 'Loafer', 'Court Sneaker', 'Hiking Boot', 'Sandal', 'Slip-On'],
    adjectives: ['Cloud', 'Summit', 'Metro', 'Coastal', 'Alpine', 'Urban'],
  },
  {
    name: 'electronics',
    skuPrefix: 'ELE',
    count: 40,
    medianPriceCents: 12_000,
    priceSigma: 0.9,
    medianWeightGrams: 600,
    weightSigma: 0.8,
    sideMm: [40, 450],
    returnRate: 0.065,
    returnReasons: { defective: 45, not_as_described: 20, no_longer_needed: 20, damaged: 10, other: 5 },
    backorderableShare: 0.5,
    dropshipShare: 0,
    nouns: ['Wireless Earbuds', 'Bluetooth Speaker', 'Smart Plug', 'USB-C Charger', 'Action Camera', 'E-Reader', 'Fitness Tracker', 'Noise-Cancelling Headphones', 'Portable SSD', 'Webcam'],
    adjectives: ['Pro', 'Mini', 'Max', 'Air', 'Go', 'Plus'],
  },
  {
    name: 'home',
    skuPrefix: 'HOM',
    count: 45,
    medianPriceCents: 4_500,
    priceSigma: 0.8,
    medianWeightGrams: 1_500,
    weightSigma: 0.9,
    sideMm: [60, 700],
    returnRate: 0.1,
    returnReasons: { damaged: 35, not_as_described: 25, no_longer_needed: 25, defective: 10, other: 5 },
    backorderableShare: 0.4,
    dropshipShare: 0.1,
    nouns: ['Duvet Cover', 'Ceramic Mug Set', 'Cast Iron Skillet', 'Table Lamp', 'Throw Blanket', 'Chef Knife', 'Storage Basket', 'Bath Towel Set', 'Armchair', 'Bookshelf'],
    adjectives: ['Nordic', 'Rustic', 'Modern', 'Coastal', 'Artisan', 'Cozy'],
  },
  {
    name: 'beauty',
    skuPrefix: 'BEA',
    count: 30,
    medianPriceCents: 2_200,
    priceSigma: 0.5,
    medianWeightGrams: 200,
    weightSigma: 0.5,
    sideMm: [30, 200],
    returnRate: 0.05,
    returnReasons: { not_as_described: 35, damaged: 30, no_longer_needed: 25, other: 10 },
    backorderableShare: 0.2,
    dropshipShare: 0,
    nouns: ['Face Serum', 'Moisturizer', 'Lip Balm', 'Shampoo', 'Body Lotion', 'Sunscreen SPF 50', 'Hand Cream', 'Eye Cream'],
    adjectives: ['Hydrating', 'Gentle', 'Daily', 'Botanical', 'Repair', 'Pure'],
  },
  {
    name: 'toys',
    skuPrefix: 'TOY',
    count: 30,
    medianPriceCents: 2_500,
    priceSigma: 0.6,
    medianWeightGrams: 500,
    weightSigma: 0.7,
    sideMm: [50, 500],
    returnRate: 0.08,
    returnReasons: { defective: 30, damaged: 25, no_longer_needed: 30, not_as_described: 10, other: 5 },
    backorderableShare: 0.3,
    dropshipShare: 0,
    nouns: ['Building Set', 'Puzzle', 'Plush Bear', 'Board Game', 'RC Car', 'Art Kit', 'Wooden Train', 'Science Kit'],
    adjectives: ['Junior', 'Deluxe', 'Rainbow', 'Explorer', 'Classic', 'Mega'],
  },
  {
    name: 'sports',
    skuPrefix: 'SPO',
    count: 35,
    medianPriceCents: 4_000,
    priceSigma: 0.9,
    medianWeightGrams: 1_200,
    weightSigma: 1,
    sideMm: [50, 900],
    returnRate: 0.12,
    returnReasons: { size_or_fit: 30, defective: 20, not_as_described: 20, no_longer_needed: 20, damaged: 10 },
    backorderableShare: 0.4,
    dropshipShare: 0.12,
    nouns: ['Yoga Mat', 'Dumbbell Pair', 'Water Bottle', 'Tennis Racket', 'Bike Helmet', 'Running Vest', 'Camping Tent', 'Kayak Paddle', 'Road Bike', 'Treadmill'],
    adjectives: ['Pro', 'Trail', 'Peak', 'Endurance', 'Sprint', 'Core'],
  },
  {
    name: 'grocery',
    skuPrefix: 'GRO',
    count: 30,
    medianPriceCents: 900,
    priceSigma: 0.5,
    medianWeightGrams: 450,
    weightSigma: 0.6,
    sideMm: [40, 250],
    returnRate: 0.01,
    returnReasons: { damaged: 60, wrong_item: 25, other: 15 },
    backorderableShare: 0,
    dropshipShare: 0,
    nouns: ['Coffee Beans', 'Olive Oil', 'Granola', 'Green Tea', 'Dark Chocolate', 'Hot Sauce', 'Maple Syrup', 'Pasta'],
    adjectives: ['Organic', 'Single-Origin', 'Small-Batch', 'Artisan', 'Wild', 'Roasted'],
  },
];
