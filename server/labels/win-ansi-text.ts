/**
 * pdfkit's built-in fonts speak WinAnsi (Windows-1252) only; a character outside it comes out
 * as garbage. Labels are printed upper-case as carriers do, so letters are folded to their
 * unaccented form when WinAnsi lacks them and anything else unprintable becomes '?'.
 */

const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Letters that Unicode does not decompose but that have an obvious ASCII stand-in. */
const FOLDS: Record<string, string> = { Ł: 'L', Đ: 'D', Ħ: 'H', Ŧ: 'T', Ŀ: 'L', Ŋ: 'N', ı: 'I' };

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRAS.has(char);
}

function foldChar(char: string): string {
  if (isWinAnsi(char)) return char;
  if (/\s/u.test(char)) return ' ';
  if (FOLDS[char]) return FOLDS[char];
  const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
  return base !== '' && [...base].every(isWinAnsi) ? base : '?';
}

/** The text as the label prints it: upper-case, WinAnsi only, whitespace collapsed. */
export function labelText(text: string): string {
  return [...text.toUpperCase()].map(foldChar).join('').replace(/ {2,}/g, ' ').trim();
}
