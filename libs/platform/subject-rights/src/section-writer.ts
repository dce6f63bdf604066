import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { SubjectRightsSection } from '@rapport/contracts';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Writes a section envelope as JSON, entry by entry; an `AsyncIterable` entry becomes an array
 * written item by item with backpressure, so a section of any size keeps memory flat.
 */
export async function writeSection(out: Writable, section: SubjectRightsSection): Promise<void> {
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(`{"service":${JSON.stringify(section.service)},"readAt":${JSON.stringify(section.readAt)},"data":{`);
  let firstEntry = true;
  for (const [key, value] of Object.entries(section.data)) {
    await write(`${firstEntry ? '' : ','}${JSON.stringify(key)}:`);
    firstEntry = false;
    if (isAsyncIterable(value)) {
      await write('[');
      let firstItem = true;
      for await (const item of value) {
        await write(`${firstItem ? '' : ','}${JSON.stringify(item) ?? 'null'}`);
        firstItem = false;
      }
      await write(']');
    } else {
      await write(JSON.stringify(value) ?? 'null');
    }
  }
  await write('}}');
}

/** Pages through a keyset-paginated source as one stream of rows. */
export async function* keysetPages<T>(
  page: (after: T | undefined, limit: number) => Promise<T[]>,
  limit = 1_000,
): AsyncGenerator<T> {
  let after: T | undefined;
  for (;;) {
    const rows = await page(after, limit);
    yield* rows;
    if (rows.length < limit) return;
    after = rows[rows.length - 1];
  }
}
