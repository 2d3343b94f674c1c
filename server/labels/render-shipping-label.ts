import PDFDocument from 'pdfkit';
import { ValidationError } from '#server/core/errors.ts';
import { code128Symbol, QUIET_ZONE_MODULES, type Code128Symbol } from './code128-bars.ts';
import { ShippingLabel, type LabelAddress, type LabelLocation, type ShippingLabelInput } from './label.schemas.ts';
import { BOLD, horizontalRule, PAGE_HEIGHT, PAGE_WIDTH, PRINTER_DOT, writeCaption, writeLine } from './label-page.ts';
import { labelText } from './win-ansi-text.ts';

type Doc = InstanceType<typeof PDFDocument>;

// The frame sits 6 pt in from the paper's edge; text keeps 8 pt more inside it.
const FRAME = 6;
const LEFT = 14;
const RIGHT = PAGE_WIDTH - 14;
const CONTENT_WIDTH = RIGHT - LEFT;

// Narrower than 2 dots a 203 dpi printer cannot keep bars and spaces apart; wider than 4
// wastes label. The symbol and its quiet zones must fit inside the frame.
const MIN_MODULE_DOTS = 2;
const MAX_MODULE_DOTS = 4;
const BARCODE_ROOM = PAGE_WIDTH - 2 * FRAME - 4;
const BARCODE_HEIGHT = 72;

const SECTION = { headerEnd: 88, shipToEnd: 206, serviceEnd: 246, trackingEnd: 362 } as const;

interface PartyLine {
  text: string;
  /** Never cut short, such as the postal code that ends the city line. */
  keep?: string;
}

interface Party {
  name: string;
  lines: PartyLine[];
  /** How many closing lines (city, country) print in bold: they are what sorting reads. */
  emphasized: number;
}

/**
 * Renders a 4×6 inch shipping label (one PDF page) for one package. A `return` label sends
 * the package from the customer back to `shipFrom` and carries the RMA number.
 * Throws a ValidationError for input the label cannot carry.
 */
export async function renderShippingLabel(input: ShippingLabelInput): Promise<Buffer> {
  const parsed = ShippingLabel.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
  }
  const label = parsed.data;
  const symbol = code128Symbol(label.trackingNumber);
  const moduleWidth = moduleWidthFor(symbol);
  if (moduleWidth === null) throw ValidationError.field('trackingNumber', 'is too long for a readable Code 128 barcode on a 4×6 label');

  const warehouse = locationParty(label.shipFrom);
  const customer = addressParty(label.shipTo);
  const [from, to] = label.kind === 'return' ? [customer, warehouse] : [warehouse, customer];

  const doc = new PDFDocument({
    size: [PAGE_WIDTH, PAGE_HEIGHT],
    margin: 0,
    info: { Title: `Shipping label ${label.trackingNumber}`, Subject: `Order ${label.orderNumber}`, Creator: 'Tower' },
  });
  const pdf = collect(doc);

  doc.lineWidth(1.5).rect(FRAME, FRAME, PAGE_WIDTH - 2 * FRAME, PAGE_HEIGHT - 2 * FRAME).stroke('black');
  drawHeader(doc, from, label);
  horizontalRule(doc, SECTION.headerEnd, FRAME, PAGE_WIDTH - FRAME);
  drawShipTo(doc, to);
  drawServiceBand(doc, label.carrier);
  drawTracking(doc, label.trackingNumber, symbol, moduleWidth);
  horizontalRule(doc, SECTION.trackingEnd, FRAME, PAGE_WIDTH - FRAME);
  drawReferences(doc, label);

  doc.end();
  return pdf;
}

function drawHeader(doc: Doc, from: Party, label: ShippingLabel): void {
  const factsLeft = 196;
  let y = 14;
  y = writeCaption(doc, 'From', LEFT, y, factsLeft - LEFT - 8);
  y = writeLine(doc, from.name, LEFT, y + 1, factsLeft - LEFT - 8, { font: BOLD, size: 9 });
  for (const line of from.lines) y = writeLine(doc, line.text, LEFT, y, factsLeft - LEFT - 8, { size: 8, minSize: 6.5, keep: line.keep });

  const facts: [string, string][] = [
    ['Ship date', label.shipDate],
    ['Weight', formatWeight(label.weightGrams, label.weightUnit)],
    ['Package', `${label.package.number} of ${label.package.count}`],
  ];
  y = 14;
  for (const [caption, value] of facts) {
    y = writeCaption(doc, caption, factsLeft, y, RIGHT - factsLeft, 'right');
    y = writeLine(doc, value, factsLeft, y, RIGHT - factsLeft, { font: BOLD, size: 11, align: 'right' }) + 1;
  }
}

function drawShipTo(doc: Doc, to: Party): void {
  const indent = LEFT + 16;
  const width = RIGHT - indent;
  let y = writeCaption(doc, 'Ship to', LEFT, SECTION.headerEnd + 8, CONTENT_WIDTH);
  y = writeLine(doc, to.name, indent, y + 4, width, { font: BOLD, size: 15, minSize: 10 }) + 2;
  to.lines.forEach((line, i) => {
    const emphasized = i >= to.lines.length - to.emphasized;
    y = writeLine(doc, line.text, indent, y, width, { font: emphasized ? BOLD : undefined, size: 13, minSize: 9, keep: line.keep });
  });
}

function drawServiceBand(doc: Doc, carrier: ShippingLabel['carrier']): void {
  const top = SECTION.shipToEnd;
  doc.rect(FRAME, top, PAGE_WIDTH - 2 * FRAME, SECTION.serviceEnd - top).fill('black');
  const white = { font: BOLD, color: 'white' } as const;
  doc.font(BOLD);
  const nameWidth = doc.fontSize(22).widthOfString(labelText(carrier.name));
  const serviceWidth = doc.fontSize(15).widthOfString(labelText(carrier.service));
  if (nameWidth + 12 + serviceWidth <= CONTENT_WIDTH) {
    writeLine(doc, carrier.name, LEFT, top + 10, nameWidth, { ...white, size: 22 });
    writeLine(doc, carrier.service, LEFT + nameWidth + 12, top + 14, CONTENT_WIDTH - nameWidth - 12, { ...white, size: 15, align: 'right' });
  } else {
    // Too long for one row: the carrier above its service, each across the whole band.
    writeLine(doc, carrier.name, LEFT, top + 4, CONTENT_WIDTH, { ...white, size: 17, minSize: 12 });
    writeLine(doc, carrier.service, LEFT, top + 24, CONTENT_WIDTH, { ...white, size: 11, minSize: 7 });
  }
}

function drawTracking(doc: Doc, trackingNumber: string, symbol: Code128Symbol, moduleWidth: number): void {
  const top = SECTION.serviceEnd;
  writeCaption(doc, 'Tracking #', LEFT, top + 8, CONTENT_WIDTH);
  // Start on a whole printer dot so that every bar edge lands on one.
  const symbolWidth = symbol.modules * moduleWidth;
  const x = Math.round((PAGE_WIDTH - symbolWidth) / 2 / PRINTER_DOT) * PRINTER_DOT;
  const y = top + 22;
  for (const bar of symbol.bars) doc.rect(x + bar.start * moduleWidth, y, bar.width * moduleWidth, BARCODE_HEIGHT);
  doc.fill('black');
  writeLine(doc, trackingNumber, LEFT, y + BARCODE_HEIGHT + 5, CONTENT_WIDTH, { font: BOLD, size: 13, align: 'center', verbatim: true, whole: true });
}

function drawReferences(doc: Doc, label: ShippingLabel): void {
  const returnBoxLeft = 176;
  const width = (label.kind === 'return' ? returnBoxLeft - 8 : RIGHT) - LEFT;
  let y = writeCaption(doc, 'Order', LEFT, SECTION.trackingEnd + 8, width);
  y = writeLine(doc, label.orderNumber, LEFT, y + 1, width, { font: BOLD, size: 14, whole: true }) + 3;
  if (label.kind !== 'return') return;

  y = writeCaption(doc, 'RMA', LEFT, y, width);
  writeLine(doc, label.rmaNumber, LEFT, y + 1, width, { font: BOLD, size: 14, whole: true });
  const boxTop = SECTION.trackingEnd;
  const boxHeight = PAGE_HEIGHT - FRAME - boxTop;
  doc.rect(returnBoxLeft, boxTop, PAGE_WIDTH - FRAME - returnBoxLeft, boxHeight).fill('black');
  writeLine(doc, 'Return', returnBoxLeft, boxTop + boxHeight / 2 - 11, PAGE_WIDTH - FRAME - returnBoxLeft, {
    font: BOLD,
    size: 22,
    align: 'center',
    color: 'white',
  });
}

/** The widest whole-dot module that fits the symbol and its quiet zones, or null if none does. */
function moduleWidthFor(symbol: Code128Symbol): number | null {
  const modules = symbol.modules + 2 * QUIET_ZONE_MODULES;
  const dots = Math.min(MAX_MODULE_DOTS, Math.floor(BARCODE_ROOM / modules / PRINTER_DOT));
  return dots >= MIN_MODULE_DOTS ? dots * PRINTER_DOT : null;
}

function locationParty(location: LabelLocation): Party {
  return { name: location.name, lines: location.addressLines.map((text) => ({ text })), emphasized: 1 };
}

function addressParty(address: LabelAddress): Party {
  const place = [address.city, address.region].filter((part) => part !== '').join(' ');
  return {
    name: address.name,
    lines: [...address.addressLines.map((text) => ({ text })), { text: place, keep: address.postalCode }, { text: address.country }],
    emphasized: 2,
  };
}

function formatWeight(grams: number, unit: 'kg' | 'lb'): string {
  // Carriers bill on weight rounded up, so the printed figure never understates it.
  if (unit === 'lb') return `${(Math.ceil(grams / 45.359237) / 10).toFixed(1)} lb`;
  return `${(Math.ceil(grams / 10) / 100).toFixed(2)} kg`;
}

function collect(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
