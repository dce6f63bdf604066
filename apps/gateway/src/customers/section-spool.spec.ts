import { Readable, Writable } from 'node:stream';
import { SectionNotJsonError, SectionSpool } from './section-spool';

/** A body as fetch delivers it: the text in chunks of `size` bytes. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );
}

function collector(): { out: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  return { out, text: () => Buffer.concat(parts).toString() };
}

describe(SectionSpool.name, () => {
  let spool: SectionSpool;
  beforeEach(async () => {
    spool = await SectionSpool.create();
  });
  afterEach(() => spool.discard());

  const section = {
    service: 'customer-profile',
    readAt: '2026-12-04T15:00:00.000Z',
    data: {
      profile: {
        id: '0e2f5d43-6a35-4c1e-8f42-44d2b0b1c9aa',
        name: '张伟 "Zhang" \\ Wei',
        amount: 1234567890.125,
      },
      purchases: [{ id: 'p1', total: '199.00' }, null, true],
    },
  };

  it('reads the envelope of a section arriving in small chunks, and gives back its parts as they were', async () => {
    const envelope = await spool.receive('customer-profile', chunked(JSON.stringify(section), 7));

    expect(envelope).toEqual({
      service: 'customer-profile',
      readAt: '2026-12-04T15:00:00.000Z',
      dataKeys: ['profile', 'purchases'],
      profileId: '0e2f5d43-6a35-4c1e-8f42-44d2b0b1c9aa',
      wellFormed: true,
    });
    const profile = collector();
    await spool.write('customer-profile', 'data.profile', profile.out);
    expect(JSON.parse(profile.text())).toEqual(section.data.profile);
    const members = collector();
    await spool.write('customer-profile', 'data', members.out, { membersOnly: true });
    expect(JSON.parse(`{${members.text()}}`)).toEqual(section.data);
  });

  it('passes a section of 20,000 entries through whole', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ seq: i, kind: 'earn', points: i % 97 }));
    const big = { service: 'loyalty', readAt: '2026-12-04T15:00:01.000Z', data: { pointsLedger: items } };

    const envelope = await spool.receive('loyalty', chunked(JSON.stringify(big), 64 * 1024));

    expect(envelope).toMatchObject({ dataKeys: ['pointsLedger'], wellFormed: true });
    const members = collector();
    await spool.write('loyalty', 'data', members.out, { membersOnly: true });
    const back = JSON.parse(`{${members.text()}}`) as { pointsLedger: unknown[] };
    expect(back.pointsLedger).toHaveLength(20_000);
    expect(back.pointsLedger[19_999]).toEqual(items[19_999]);
  }, 30_000);

  it('says a body is not JSON apart from a body that failed on its way', async () => {
    await expect(spool.receive('a', chunked('{"service":"loyalty","data":{]', 5))).rejects.toBeInstanceOf(
      SectionNotJsonError,
    );
    const dropped = new Readable({
      read() {
        this.push('{"service":"loyalty","data":{"x":');
        this.destroy(new TypeError('terminated'));
      },
    });
    await expect(spool.receive('b', dropped)).rejects.toThrow(TypeError);
  });

  it('finds no well-formed section in a JSON value of another shape', async () => {
    for (const body of ['[1,2]', '{"service":"loyalty","data":[]}', '{"data":{}} {"data":{}}']) {
      const fresh = await SectionSpool.create();
      try {
        const envelope = await fresh.receive('x', chunked(body, 3)).catch((error: unknown) => error);
        if (!(envelope instanceof SectionNotJsonError)) expect(envelope).toMatchObject({ wellFormed: false });
      } finally {
        await fresh.discard();
      }
    }
  });
});
