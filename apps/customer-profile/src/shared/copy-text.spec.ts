import { copyField, copyRow } from './copy-text';

describe('copyRow', () => {
  it('escapes what COPY text reads as structure and writes null as \\N', () => {
    expect(copyRow([1, 'a\tb', null, 'x\\y\nz\r'])).toBe('1\ta\\tb\t\\N\tx\\\\y\\nz\\r\n');
  });

  it('leaves plain text as it is', () => {
    expect(copyField('西湖龙井 tea')).toBe('西湖龙井 tea');
  });
});
