import { encodeSearchText } from '../search/search-key';

/**
 * buildSearchKey (search/search-key.ts) for the flat import row, written for speed: one pass over
 * the characters with a lookup table instead of a regular expression per character. It produces the
 * same key (import-search-key.spec.ts checks that on arbitrary input); anything unusual (a surrogate
 * pair, a non-ASCII space) is spelled by encodeSearchText itself.
 */
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/** ASCII after lower-casing: the character itself when it is kept, else a space. */
const ASCII = Array.from({ length: 128 }, (_, code) => {
  const ch = String.fromCharCode(code).toLowerCase();
  return /[a-z0-9@._+-]/.test(ch) ? ch : ' ';
});
const CJK = Array.from(
  { length: 0x9fff - 0x3400 + 1 },
  (_, n) => BASE36[Math.floor(n / 1296)]! + BASE36[Math.floor(n / 36) % 36]! + BASE36[n % 36]!,
);

export function fastEncodeSearchText(text: string): string {
  let out = '';
  let space = true; // at the start: leading spaces are dropped
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let piece: string;
    if (code < 128) piece = ASCII[code]!;
    else if (code >= 0x3400 && code <= 0x9fff) piece = CJK[code - 0x3400]!;
    else return encodeSearchText(text);
    if (piece === ' ') {
      if (!space) out += ' ';
      space = true;
    } else {
      out += piece;
      space = false;
    }
  }
  return space && out.length > 0 ? out.slice(0, -1) : out;
}

/** The search key of an imported row: name, email, phone (with and without +86) and tags, each once. */
export function importSearchKey(
  name: string,
  email: string | null,
  phone: string | null,
  tags: readonly string[],
): string {
  const words: string[] = [];
  const add = (value: string) => {
    const word = fastEncodeSearchText(value);
    if (word.length > 0 && !words.includes(word)) words.push(word);
  };
  add(name);
  if (email !== null) add(email);
  if (phone !== null) {
    add(phone.startsWith('+') ? phone.slice(1) : phone);
    if (phone.startsWith('+86')) add(phone.slice(3));
  }
  for (const tag of tags) add(tag);
  return ` ${words.join(' ')} `;
}
