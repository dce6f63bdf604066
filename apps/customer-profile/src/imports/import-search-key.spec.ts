import fc from 'fast-check';
import { buildSearchKey, encodeSearchText } from '../search/search-key';
import { fastEncodeSearchText, importSearchKey } from './import-search-key';

describe('importSearchKey', () => {
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.string({ unit: fc.constantFrom(...'王李 张-伟A b.C@1_+\t丽\u3000é𠀀'.split('')), maxLength: 30 }),
  );

  it('spells text exactly as encodeSearchText', () => {
    fc.assert(
      fc.property(text, (value) => expect(fastEncodeSearchText(value)).toBe(encodeSearchText(value))),
      { numRuns: 3000 },
    );
  });

  it('builds the same key as buildSearchKey', () => {
    fc.assert(
      fc.property(
        text,
        fc.option(text, { nil: null }),
        fc.option(fc.constantFrom('+8613800138000', '+16502530000'), { nil: null }),
        fc.array(text, { maxLength: 3 }),
        (name, email, phone, tags) => {
          expect(importSearchKey(name, email, phone, tags)).toBe(
            buildSearchKey({
              name,
              emails: email === null ? [] : [email],
              phones: phone === null ? [] : [phone],
              identifiers: [],
              tags,
            }),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});
