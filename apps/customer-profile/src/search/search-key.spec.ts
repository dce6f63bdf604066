import { buildSearchKey, encodeSearchText, escapeLike, wantsFuzzy } from './search-key';

describe('search key', () => {
  it('spells Chinese characters as ASCII words so trigrams exist in the C locale', () => {
    expect(encodeSearchText('王小明')).toBe('cjv7wv9vy');
    expect(encodeSearchText('Café ①')).toBe('cafxe9 x2460');
    expect(encodeSearchText('王小明').startsWith(encodeSearchText('王小'))).toBe(true);
    expect(encodeSearchText(" Mary  O'Neil ")).toBe('mary o neil');
  });

  it('holds names, emails, phones (international and national), identifiers and tags as words', () => {
    const sut = buildSearchKey({
      name: '王小明',
      phones: ['+8613800138000'],
      emails: ['xm@example.com'],
      identifiers: [{ value: 'oW-1' }],
      tags: ['VIP'],
      contactNames: ['李娜'],
    });
    expect(sut).toBe(' cjv7wv9vy a4u7j0 xm@example.com 8613800138000 13800138000 ow-1 vip ');
  });

  it('escapes LIKE metacharacters', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});

describe(wantsFuzzy.name, () => {
  it.each([
    ['王小明', true],
    ['Wang Xiaoming', true],
    ['王小', false],
    ['wan', false],
    ['13800138000', false],
    ['user1@', false],
  ])('%s → %s', (query, fuzzy) => {
    expect(wantsFuzzy(query)).toBe(fuzzy);
  });
});
