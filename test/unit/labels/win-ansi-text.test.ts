import { describe, expect, it } from 'vitest';
import { labelText } from '#server/labels/win-ansi-text.ts';

describe('labelText', () => {
  it('prints upper-case, as carrier labels do', () => {
    expect(labelText('742 Evergreen Terrace')).toBe('742 EVERGREEN TERRACE');
  });

  it('keeps the accented letters that the standard fonts carry', () => {
    expect(labelText('Crème Brûlée, Malmö, Niño')).toBe('CRÈME BRÛLÉE, MALMÖ, NIÑO');
    expect(labelText('Straße')).toBe('STRASSE');
  });

  it('folds letters the standard fonts lack to their base letter', () => {
    expect(labelText('Łódź')).toBe('LÓDZ');
    expect(labelText('Đakovo')).toBe('DAKOVO');
    expect(labelText('Çeşme')).toBe('ÇESME');
  });

  it('replaces what has no stand-in with a question mark rather than printing garbage', () => {
    expect(labelText('東京 Office')).toBe('?? OFFICE');
    expect(labelText('Ωmega')).toBe('?MEGA');
  });

  it('collapses whitespace, tabs and line breaks included, and trims', () => {
    expect(labelText('  Unit 4\t\tBlock\nB  ')).toBe('UNIT 4 BLOCK B');
  });
});
