/** Opaque keyset cursors: the sort they belong to, the sort key and the id of the last item. */
export function encodeCursor(sort: string, key: string | number, id: string): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key, i: id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: string): { key: string | number; id: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      s?: unknown;
      k?: unknown;
      i?: unknown;
    };
    const validKey = typeof parsed.k === 'string' || typeof parsed.k === 'number';
    if (parsed.s !== sort || !validKey || typeof parsed.i !== 'string' || !/^[0-9a-f-]{36}$/.test(parsed.i))
      return undefined;
    return { key: parsed.k as string | number, id: parsed.i };
  } catch {
    return undefined;
  }
}
