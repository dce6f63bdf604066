import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { keysetPages, writeSection } from './section-writer';

describe(writeSection.name, () => {
  async function written(data: Record<string, unknown>): Promise<string> {
    const sut = new PassThrough({ highWaterMark: 16 }); // small: backpressure is exercised
    const body = text(sut);
    await writeSection(sut, { service: 'loyalty', readAt: '2026-12-04T15:00:00.000Z', data });
    sut.end();
    return body;
  }

  async function* rows(n: number): AsyncGenerator<{ seq: number; note: string }> {
    for (let i = 1; i <= n; i++) yield { seq: i, note: `第${i}条 "quoted"` };
  }

  it('writes the envelope with plain and streamed entries as one JSON document', async () => {
    const json = await written({ account: { balance: 10 }, ledger: rows(3), empty: rows(0), nothing: null, lots: [] });
    expect(JSON.parse(json)).toEqual({
      service: 'loyalty',
      readAt: '2026-12-04T15:00:00.000Z',
      data: {
        account: { balance: 10 },
        ledger: [1, 2, 3].map((seq) => ({ seq, note: `第${seq}条 "quoted"` })),
        empty: [],
        nothing: null,
        lots: [],
      },
    });
  });

  it('writes an empty section as an empty data object', async () => {
    expect(JSON.parse(await written({}))).toEqual({ service: 'loyalty', readAt: '2026-12-04T15:00:00.000Z', data: {} });
  });

  it('fails, rather than end the document, when a streamed entry fails midway', async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('connection lost');
    }
    const sut = new PassThrough();
    sut.resume();
    await expect(writeSection(sut, { service: 'loyalty', readAt: 'x', data: { ledger: failing() } })).rejects.toThrow(
      'connection lost',
    );
  });
});

describe(keysetPages.name, () => {
  it('pages after the last row until a short page, and yields every row once', async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
    const asked: Array<number | undefined> = [];
    const sut = keysetPages<{ id: number }>(async (after, limit) => {
      asked.push(after?.id);
      return all.filter((r) => r.id > (after?.id ?? 0)).slice(0, limit);
    }, 3);
    const seen: number[] = [];
    for await (const row of sut) seen.push(row.id);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(asked).toEqual([undefined, 3, 6]);
  });
});
