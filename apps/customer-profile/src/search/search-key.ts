/**
 * The database runs with the C locale, where pg_trgm sees no word characters in Chinese text and
 * extracts no trigrams from it. So the search key spells Chinese characters in ASCII: each CJK
 * ideograph (U+3400–U+9FFF) becomes exactly three base-36 letters/digits (王 → `b3b`), so one
 * character is one trigram — as selective as an index entry can be — and the trigrams across
 * neighbouring characters keep their order. Other non-ASCII characters become `x` plus their hex
 * code point. Prefix, substring and similarity matching then work through one trigram index.
 * Queries are encoded the same way.
 */
const CJK_FIRST = 0x3400;
const CJK_LAST = 0x9fff;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

export function encodeSearchText(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase()) {
    const code = ch.codePointAt(0)!;
    if (code < 128) out += /[a-z0-9@._+-]/.test(ch) ? ch : ' ';
    else if (code >= CJK_FIRST && code <= CJK_LAST) {
      const n = code - CJK_FIRST;
      out += BASE36[Math.floor(n / 1296)]! + BASE36[Math.floor(n / 36) % 36]! + BASE36[n % 36]!;
    } else if (/\s/u.test(ch)) out += ' ';
    else out += `x${code.toString(16)}`;
  }
  return out.replace(/\s+/g, ' ').trim();
}

export interface SearchableCustomer {
  name: string;
  phones: readonly string[];
  emails: readonly string[];
  identifiers: readonly { value: string }[];
  tags: readonly string[];
  contactNames?: readonly string[];
}

/** One space-separated word per searchable value, with a space at both ends so `% word%` is a prefix test. */
export function buildSearchKey(customer: SearchableCustomer): string {
  const words = [
    customer.name,
    ...(customer.contactNames ?? []),
    ...customer.emails,
    // +8613800138000 is found by 8613800138000 and by the national 13800138000
    ...customer.phones.flatMap((p) => [p.replace(/^\+/, ''), p.startsWith('+86') ? p.slice(3) : '']),
    ...customer.identifiers.map((i) => i.value),
    ...customer.tags,
  ]
    .map(encodeSearchText)
    .filter((w) => w.length > 0);
  return ` ${[...new Set(words)].join(' ')} `;
}

/** LIKE pattern metacharacters in a user's query are literal. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Fuzzy (similarity) matching is for names and words: a digit string or an email shares most of its
 * trigrams with thousands of others (every phone starts +86 13…), which makes similarity both
 * useless and slow; a query of one or two characters has too few trigrams to be similar to anything
 * in particular. Those are matched by prefix and substring only.
 */
export function wantsFuzzy(query: string): boolean {
  const chars = [...query.trim()];
  if (/[0-9@]/.test(query)) return false;
  const wide = chars.filter((c) => c.codePointAt(0)! >= 128).length;
  return wide >= 3 || chars.length >= 4;
}
