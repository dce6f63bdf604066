/** A field of PostgreSQL's COPY text format: backslash, tab and line breaks escaped, \N for null. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** One row of COPY text: fields in the staging table's column order. */
export function copyRow(fields: readonly (string | number | null)[]): string {
  let row = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    row += (i === 0 ? '' : '\t') + (typeof field === 'number' ? String(field) : copyField(field));
  }
  return `${row}\n`;
}
