import { versionFromIfMatch } from './if-match';
import { ProblemException } from './problem';

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

  // Schemathesis sent If-Match: 0"\t and got a 400 from the body's version rule (minimum 1), an answer the
  // document does not allow for a header that matches its pattern: a version no resource has is stale.
  it.each(['0', '"0"', 'W/"000"', '0"\t     '])('answers %j with a failed precondition (412), not a 400', (header) => {
    let thrown: unknown;
    try {
      versionFromIfMatch(header, undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemException);
    expect((thrown as ProblemException).getStatus()).toBe(412);
    expect((thrown as ProblemException).message).toContain('version 0');
  });
});
