import { Readable } from 'node:stream';
import { readRecords, type SourceItem } from './row-source';

async function collect(text: string, format: 'csv' | 'ndjson'): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  for await (const item of readRecords(Readable.from([text]), format)) items.push(item);
  return items;
}

describe('readRecords', () => {
  it('reads CSV with a BOM and reports malformed lines by line number, reading on', async () => {
    const items = await collect('\uFEFFname,email\n王,a@b.cn\nx "bad" y,q\ntoo,many,cols\nok,c@d.cn\n', 'csv');
    expect(items).toEqual([
      { line: 2, record: { name: '王', email: 'a@b.cn' } },
      { line: 3, error: expect.stringContaining('malformed CSV') },
      { line: 4, error: expect.stringContaining('malformed CSV') },
      { line: 5, record: { name: 'ok', email: 'c@d.cn' } },
    ]);
  });

  it('reads JSON lines, skipping blank lines', async () => {
    expect(await collect('{"name":"a"}\n\n[1]\n{"name":\n', 'ndjson')).toEqual([
      { line: 1, record: { name: 'a' } },
      { line: 3, error: 'the line is not a JSON object' },
      { line: 4, error: 'the line is not valid JSON' },
    ]);
  });
});
