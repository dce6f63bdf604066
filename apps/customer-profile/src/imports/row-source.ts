import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export type ImportFormat = 'csv' | 'ndjson';

/** A record read from the upload, or a line that could not be read at all. */
export type SourceItem = { line: number; record: Record<string, unknown> } | { line: number; error: string };

/**
 * Reads an upload as records, one at a time, with back-pressure: CSV with a header row (a UTF-8 BOM
 * is fine), or one JSON object per line. A malformed line becomes an error item and reading goes on.
 */
export async function* readRecords(body: Readable, format: ImportFormat): AsyncGenerator<SourceItem> {
  if (format === 'ndjson') {
    let line = 0;
    for await (const text of createInterface({ input: body, crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          yield { line, error: 'the line is not a JSON object' };
        else yield { line, record: value as Record<string, unknown> };
      } catch {
        yield { line, error: 'the line is not valid JSON' };
      }
    }
    return;
  }
  const skipped: SourceItem[] = [];
  const seen = new Set<number>();
  const parser = parse({
    columns: true,
    bom: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      const line = Number(error?.lines ?? 0);
      // One malformed line can be reported twice by the parser: keep the first reason.
      if (!seen.has(line)) {
        seen.add(line);
        skipped.push({ line, error: `malformed CSV: ${error?.message ?? 'unreadable record'}` });
      }
      return undefined;
    },
  });
  body.on('error', (error) => parser.destroy(error));
  body.pipe(parser);
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    // The parser may report a bad line before yielding the good records above it: keep line order.
    while (skipped.length > 0 && skipped[0]!.line < item.info.lines) yield skipped.shift()!;
    yield { line: item.info.lines, record: item.record };
  }
  while (skipped.length > 0) yield skipped.shift()!;
}
