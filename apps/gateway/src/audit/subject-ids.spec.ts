import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { collectCsvSubjects } from './csv-subjects';
import { SubjectIds } from './subject-ids';

const A = '7b0c1f7e-3f59-4a4e-9d55-0c8a2c1d5e01';
const B = '0E2F5D43-6A35-4C1E-8F42-44D2B0B1C9AA';

describe(SubjectIds.name, () => {
  it('keeps customer ids (lower case, in order) and ignores anything else', () => {
    const ids = SubjectIds.of([A, 'not-an-id', undefined, 42, B, A]);
    expect(ids.size).toBe(3);
    expect([...ids.batches(10)]).toEqual([[A, B.toLowerCase(), A]]);
  });

  it('hands out batches of the size asked, across its storage blocks', () => {
    const all = Array.from({ length: 40_000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const ids = SubjectIds.of(all);
    const batches = [...ids.batches(15_000)];
    expect(batches.map((b) => b.length)).toEqual([15_000, 15_000, 10_000]);
    expect(batches.flat()).toEqual(all);
  });
});

describe(collectCsvSubjects.name, () => {
  async function run(chunks: Array<string | Buffer>): Promise<{ ids: string[]; passed: string }> {
    const subjects = new SubjectIds();
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))),
      collectCsvSubjects(subjects),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          out.push(chunk);
          done();
        },
      }),
    );
    return { ids: [...subjects.batches(1000)].flat(), passed: Buffer.concat(out).toString('utf8') };
  }

  it('passes the CSV on unchanged and reads the id column, however the body is cut', async () => {
    const csv = `\uFEFFid,kind,name,email\n${A},person,"张, 伟",a@example.com\n${B.toLowerCase()},person,"多行\n名字",\n`;
    const bytes = Buffer.from(csv);
    // cut in the middle of the BOM, of a multi-byte character and of a quoted field
    const cuts = [1, 20, 58, 59, 60, bytes.length - 3];
    const chunks = cuts.map((end, i) => bytes.subarray(i === 0 ? 0 : cuts[i - 1], end));
    chunks.push(bytes.subarray(cuts[cuts.length - 1]));
    const { ids, passed } = await run(chunks);
    expect(passed).toBe(csv);
    expect(ids).toEqual([A, B.toLowerCase()]);
  });

  it('finds the id column wherever the header puts it', async () => {
    expect((await run([`name,id\nx,${A}\n`])).ids).toEqual([A]);
  });

  it('fails the stream when the CSV has no id column: nobody could say whose data it was', async () => {
    await expect(run([`name,email\nx,y\n`])).rejects.toThrow('no id column');
  });
});
