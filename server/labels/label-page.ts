import type PDFDocument from 'pdfkit';
import { labelText } from './win-ansi-text.ts';

type Doc = InstanceType<typeof PDFDocument>;

/** 4×6 inches, portrait, in PDF points. */
export const PAGE_WIDTH = 288;
export const PAGE_HEIGHT = 432;

/** Thermal label printers print 203 dots per inch; bar widths are whole dots of it. */
export const PRINTER_DOT = 72 / 203;

export const REGULAR = 'Helvetica';
export const BOLD = 'Helvetica-Bold';

export interface LineStyle {
  font?: string;
  size: number;
  /** The text shrinks down to this size before it is cut short with an ellipsis. */
  minSize?: number;
  align?: 'left' | 'right' | 'center';
  color?: string;
  /** Print exactly as given (a tracking number must match its barcode) instead of upper-cased. */
  verbatim?: boolean;
  /** Never cut: an identifier shrinks as far as it must (the schema bounds its length). */
  whole?: boolean;
  /** Printed after the text and never cut: the postal code after the city, say. */
  keep?: string;
}

/**
 * Writes one line of label text inside `width`, never wrapping: a long street name shrinks,
 * then loses its tail, rather than pushing everything below it off the page.
 * Returns the y below the line.
 */
export function writeLine(doc: Doc, raw: string, x: number, y: number, width: number, style: LineStyle): number {
  const prepare = (value: string) => (style.verbatim ? value : labelText(value));
  let text = prepare(raw);
  const keep = style.keep === undefined ? '' : prepare(style.keep);
  const line = () => [text, keep].filter((part) => part !== '').join(' ');

  doc.font(style.font ?? REGULAR).fontSize(style.size);
  let size = style.size;
  const natural = doc.widthOfString(line());
  if (natural > width) {
    const fitting = (style.size * width) / natural;
    size = style.whole ? fitting : Math.max(style.minSize ?? style.size * 0.75, fitting);
  }
  doc.fontSize(size);
  // A hair of tolerance: the shrunken size is computed in floating point.
  const fits = () => doc.widthOfString(line()) <= width + 0.01;
  while (!style.whole && text !== '' && !fits()) text = text.length > 1 ? `${text.slice(0, -2).trimEnd()}…` : '';

  const lineWidth = doc.widthOfString(line());
  const left = style.align === 'right' ? x + width - lineWidth : style.align === 'center' ? x + (width - lineWidth) / 2 : x;
  doc.fillColor(style.color ?? 'black').text(line(), left, y, { lineBreak: false });
  return y + size * 1.18;
}

/** A small upper-case caption such as "SHIP TO". */
export function writeCaption(doc: Doc, caption: string, x: number, y: number, width: number, align: LineStyle['align'] = 'left'): number {
  return writeLine(doc, caption, x, y, width, { font: BOLD, size: 6.5, align });
}

export function horizontalRule(doc: Doc, y: number, left: number, right: number, thickness = 1.5): void {
  doc.rect(left, y - thickness / 2, right - left, thickness).fill('black');
}
