import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

/** Resolution of the common 4×6 thermal label printer: by default the page is rasterized as it would print. */
export const THERMAL_PRINTER_DPI = 203;

const require = createRequire(import.meta.url);

// Both readers load their data from their own packages, never from the network: pdf.js the
// metrics of the 14 standard fonts, ZXing its WebAssembly (which by default it would fetch).
const standardFontDataUrl = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
let zxingReady: Promise<unknown> | undefined;
function loadZxing(): Promise<unknown> {
  const wasmBinary = new Uint8Array(readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'))).buffer;
  return (zxingReady ??= prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true }));
}

export interface LabelPdf {
  pageCount: number;
  /** Width and height of page 1 in PDF points. */
  pageSize: { width: number; height: number };
  /** The text runs of page 1, in content order. */
  textItems: string[];
  /** Where each text run sits, in points from the page's left and bottom edges. */
  textBoxes: { str: string; left: number; right: number; bottom: number }[];
  /** Page 1 rasterized at `dpi`, as RGBA like a canvas ImageData. */
  raster: { width: number; height: number; data: Uint8ClampedArray };
}

/** Opens a PDF with Mozilla's pdf.js, the way a viewer or print spooler would. */
export async function readLabelPdf(pdf: Buffer, { dpi = THERMAL_PRINTER_DPI } = {}): Promise<LabelPdf> {
  const document = await getDocument({ data: new Uint8Array(pdf), standardFontDataUrl, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const page = await document.getPage(1);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const textBoxes = content.items.flatMap((item) => {
      if (!('str' in item) || item.str.trim() === '') return [];
      const [, , , , left, bottom] = item.transform as number[];
      return [{ str: item.str, left: left!, right: left! + item.width, bottom: bottom! }];
    });

    const viewport = page.getViewport({ scale: dpi / 72 });
    const width = Math.ceil(viewport.width);
    const height = Math.ceil(viewport.height);
    const factory = document.canvasFactory as { create(w: number, h: number): { canvas: any; context: any } };
    const { canvas, context } = factory.create(width, height);
    await page.render({ canvas, canvasContext: context, viewport }).promise;
    const data: Uint8ClampedArray = context.getImageData(0, 0, width, height).data;
    return {
      pageCount: document.numPages,
      pageSize: { width: x1 - x0, height: y1 - y0 },
      textItems: textBoxes.map((box) => box.str),
      textBoxes,
      raster: { width, height, data },
    };
  } finally {
    await document.destroy();
  }
}

/** A symbol a scanner read off the page. */
export interface ScannedBarcode {
  format: string;
  text: string;
}

/**
 * Reads every linear barcode on a rasterized page with ZXing-C++, as a scanner would: it has
 * to find the symbols on its own and rejects one whose check character does not match.
 */
export async function scanLinearBarcodes(raster: LabelPdf['raster']): Promise<ScannedBarcode[]> {
  await loadZxing();
  const results = await readBarcodes(raster, { formats: ['AllLinear'], tryHarder: true, maxNumberOfSymbols: 8 });
  return results.filter((r) => r.isValid).map((r) => ({ format: r.format, text: r.text }));
}
