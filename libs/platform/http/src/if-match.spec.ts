import { versionFromIfMatch } from './if-match';

describe('versionFromIfMatch', () => {
  it.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['7', 7],
  ])('reads %s as version %i', (header, version) => {
    expect(versionFromIfMatch(header, undefined)).toBe(version);
  });

  it('falls back to the body version', () => {
    expect(versionFromIfMatch(undefined, 4)).toBe(4);
  });

  it('refuses a header that is not a version, or one that disagrees with the body', () => {
    expect(() => versionFromIfMatch('"abc"', undefined)).toThrow('If-Match');
    expect(() => versionFromIfMatch('"3"', 2)).toThrow('disagree');
  });
});
