const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BYTES = 16;
const IDS_PER_BLOCK = 16_384;

/**
 * The customers an audit entry is about: whose personal data a read handed out, or whom a change
 * touched. A CSV export may name millions, so ids are kept as 16 bytes each (a million take 16 MB,
 * not the ~70 MB of as many strings). Anything that is not a customer id (a uuid) is ignored;
 * repeats are kept here and dropped when stored.
 */
export class SubjectIds {
  private readonly blocks: Buffer[] = [];
  private count = 0;

  static of(ids: Iterable<unknown>): SubjectIds {
    const set = new SubjectIds();
    for (const id of ids) set.add(id);
    return set;
  }

  get size(): number {
    return this.count;
  }

  add(id: unknown): void {
    if (typeof id !== 'string' || !UUID.test(id)) return;
    const offset = (this.count % IDS_PER_BLOCK) * BYTES;
    if (offset === 0) this.blocks.push(Buffer.allocUnsafe(IDS_PER_BLOCK * BYTES));
    this.blocks[this.blocks.length - 1]!.write(id.replace(/-/g, ''), offset, BYTES, 'hex');
    this.count++;
  }

  addAll(ids: Iterable<unknown>): this {
    for (const id of ids) this.add(id);
    return this;
  }

  /** The ids as text (lower case, in the order added), `size` at a time. */
  *batches(size: number): Generator<string[]> {
    let batch: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const block = this.blocks[Math.floor(i / IDS_PER_BLOCK)]!;
      const offset = (i % IDS_PER_BLOCK) * BYTES;
      const hex = block.toString('hex', offset, offset + BYTES);
      batch.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}
