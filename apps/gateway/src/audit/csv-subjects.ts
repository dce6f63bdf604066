import { finished, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import type { SubjectIds } from './subject-ids';

/**
 * Passes a CSV export on unchanged while reading the customer id of every record into `ids`: the
 * column of the header row named `column` (the customers export's `id`, its first column). The
 * body is parsed as it streams, never held whole. A body that cannot be read that way (no such
 * column, broken CSV) fails the stream: a download nobody can attribute is not handed out whole.
 */
export function collectCsvSubjects(ids: SubjectIds, column = 'id'): Transform {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true });
  let index: number | undefined;
  let failure: Error | undefined;
  parser.on('error', (error: Error) => (failure ??= error));
  parser.on('readable', () => {
    for (let record = parser.read() as string[] | null; record !== null; record = parser.read() as string[] | null) {
      if (index === undefined) {
        index = record.indexOf(column);
        if (index < 0) {
          failure ??= new Error(`the CSV export has no ${column} column: its readers cannot be audited`);
          parser.destroy();
          return;
        }
      } else {
        ids.add(record[index]);
      }
    }
  });
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (failure) return done(failure);
      parser.write(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (failure) return done(failure);
      parser.end();
      finished(parser, { writable: false }, (error) => done(failure ?? error ?? undefined));
    },
  });
}
