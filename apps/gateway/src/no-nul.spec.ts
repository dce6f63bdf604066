import { nulPath } from './no-nul';

describe(nulPath.name, () => {
  it('names the first string or key holding U+0000', () => {
    expect(nulPath({ name: 'a', lines: [{ sku: 'x' }, { sku: 'y\u0000' }] })).toBe('lines[1].sku');
    expect(nulPath({ preferences: { 'k\u0000': 1 } })).toBe('preferences.k\u0000');
    expect(nulPath('a\u0000')).toBe('body');
  });

  it('finds nothing in clean values', () => {
    expect(nulPath({ a: ['b', 1, null, { c: true }] })).toBeUndefined();
    expect(nulPath(undefined)).toBeUndefined();
  });
});
