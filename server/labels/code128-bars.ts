import bwipjs from 'bwip-js/node';

/** A bar of the symbol, in modules from its left edge (quiet zones not included). */
export interface Bar {
  start: number;
  width: number;
}

export interface Code128Symbol {
  bars: Bar[];
  /** Width of the symbol in modules, from the first bar's left edge to the last bar's right edge. */
  modules: number;
}

/** Code 128 wants at least ten modules of white on either side. */
export const QUIET_ZONE_MODULES = 10;

/**
 * The bars of a Code 128 symbol for `text`. bwip-js (the Barcode Writer in Pure PostScript)
 * chooses the code sets and the check character; we only take its bar/space widths so the
 * bars can be drawn as vector rectangles that stay sharp at any printer resolution.
 */
export function code128Symbol(text: string): Code128Symbol {
  const [symbol] = bwipjs.raw('code128', text);
  if (!symbol || !('sbs' in symbol)) throw new Error('bwip-js returned no linear symbol for code128');
  const bars: Bar[] = [];
  let position = 0;
  // `sbs` alternates bar, space, bar, … widths in modules, starting with a bar.
  symbol.sbs.forEach((width, i) => {
    if (i % 2 === 0) bars.push({ start: position, width });
    position += width;
  });
  return { bars, modules: position };
}
