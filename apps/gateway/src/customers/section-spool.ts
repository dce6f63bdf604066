import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { stringer } from 'stream-json/Stringer';

/** The body of a section was not JSON (as opposed to a body that failed on its way). */
export class SectionNotJsonError extends Error {
  override readonly name = 'SectionNotJsonError';
}

/** What a section's envelope says about itself, read as it streams past (its data stays on disk). */
export interface SectionEnvelope {
  service?: string;
  readAt?: string;
  /** The keys of `data`, in order. */
  dataKeys: string[];
  /** `data.profile.id`, when there is one (customer-profile's section names the survivor there). */
  profileId?: string;
  /** The body was one JSON object with `data` an object. */
  wellFormed: boolean;
}

interface Frame {
  container: 'object' | 'array';
  key?: string;
}

/**
 * Reads the JSON tokens of a section envelope (`{"service","readAt","data":{...}}`) and keeps only
 * the few values the gateway checks; everything else streams by. Hand-written because it is ten
 * lines of path tracking over stream-json's tokens, which no filter of the library returns as such.
 */
class EnvelopeInspector extends Writable {
  readonly envelope: SectionEnvelope = { dataKeys: [], wellFormed: false };
  private readonly stack: Frame[] = [];
  private roots = 0;
  private dataIsObject = false;

  constructor() {
    super({ objectMode: true });
  }

  override _write(token: { name: string; value?: string }, _: BufferEncoding, done: () => void): void {
    const keys = this.stack.map((f) => f.key);
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        if (this.stack.length === 0) this.roots++;
        if (this.stack.length === 1 && keys[0] === 'data') this.dataIsObject = token.name === 'startObject';
        this.stack.push({ container: token.name === 'startObject' ? 'object' : 'array' });
        break;
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        break;
      case 'keyValue':
        this.stack[this.stack.length - 1]!.key = token.value;
        if (this.stack.length === 2 && keys[0] === 'data') this.envelope.dataKeys.push(token.value!);
        break;
      case 'stringValue':
        if (this.stack.length === 1 && keys[0] === 'service') this.envelope.service = token.value;
        if (this.stack.length === 1 && keys[0] === 'readAt') this.envelope.readAt = token.value;
        if (this.stack.length === 3 && keys[0] === 'data' && keys[1] === 'profile' && keys[2] === 'id')
          this.envelope.profileId = token.value;
        break;
      default:
        if (this.stack.length === 0) this.roots++; // a bare value where the object should be
    }
    done();
  }

  override _final(done: () => void): void {
    this.envelope.wellFormed = this.roots === 1 && this.dataIsObject && this.stack.length === 0;
    done();
  }
}

/**
 * Gathers the stringer's many small pieces (one per token) into chunks of about 64 KiB, optionally
 * without the first and the last character of the whole text: a JSON object's members, ready to be
 * joined with another object's.
 */
function rechunk(options: { membersOnly: boolean }): Transform {
  const CHUNK = 64 * 1024;
  let pending = '';
  let started = !options.membersOnly;
  return new Transform({
    transform(piece: Buffer | string, _: BufferEncoding, done) {
      pending += piece.toString();
      if (!started && pending.length > 0) {
        pending = pending.slice(1);
        started = true;
      }
      // Keep the last character back: it may be the closing brace to drop.
      if (pending.length > CHUNK) {
        const out = pending.slice(0, -1);
        pending = pending.slice(-1);
        done(null, out);
      } else done();
    },
    flush(done) {
      done(null, options.membersOnly ? pending.slice(0, -1) : pending);
    },
  });
}

/**
 * The subject access export's sections on their way from the services to the requester, on disk in
 * between: the export is all or nothing (one service late or broken fails it before a byte is sent),
 * so every section is received first, and none is held in memory however large it is.
 */
export class SectionSpool {
  private constructor(private readonly dir: string) {}

  static async create(): Promise<SectionSpool> {
    return new SectionSpool(await mkdtemp(path.join(tmpdir(), 'rapport-export-')));
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  /** Writes a section's body to disk while reading its envelope; a body that is not JSON rejects. */
  async receive(name: string, body: Readable): Promise<SectionEnvelope> {
    const tokens = parser({ packValues: true, streamValues: false });
    const inspector = new EnvelopeInspector();
    // Every chunk goes to the file and to the parser; either failing fails both.
    const tap = new Transform({
      transform(chunk: Buffer, _: BufferEncoding, done) {
        if (tokens.write(chunk)) done(null, chunk);
        else tokens.once('drain', () => done(null, chunk));
      },
      flush(done) {
        tokens.end();
        done();
      },
    });
    let bodyFailed = false;
    const inspected = pipeline(tokens, inspector).catch((error: Error) => {
      if (bodyFailed) throw error;
      const notJson = new SectionNotJsonError(error.message);
      tap.destroy(notJson);
      throw notJson;
    });
    const stored = pipeline(body, tap, createWriteStream(this.file(name))).catch((error: Error) => {
      if (!(error instanceof SectionNotJsonError)) bodyFailed = true;
      tokens.destroy(error);
      throw error;
    });
    // The parser's verdict first: a body cut short because it was not JSON is reported as not JSON.
    const [storing, inspecting] = await Promise.allSettled([stored, inspected]);
    if (inspecting.status === 'rejected' && inspecting.reason instanceof SectionNotJsonError) throw inspecting.reason;
    if (storing.status === 'rejected') throw storing.reason;
    if (inspecting.status === 'rejected') throw inspecting.reason;
    return inspector.envelope;
  }

  /** The text of `value` at `filter` (a dotted path) in a received section. */
  async write(name: string, filter: string, out: Writable, options: { membersOnly?: boolean } = {}): Promise<void> {
    const stages = [
      createReadStream(this.file(name)),
      parser({ packValues: true, streamValues: false }),
      pick({ filter, once: true }),
      stringer({ useValues: true }),
      rechunk({ membersOnly: options.membersOnly ?? false }),
    ];
    await pipeline([...stages, new PassThroughTo(out)]);
  }

  /** Removes the files; retried, as a stream still closing may hold one for a moment. */
  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  }
}

/** Forwards into a writable that must stay open afterwards (the HTTP response takes several parts). */
class PassThroughTo extends Writable {
  constructor(private readonly out: Writable) {
    super();
  }

  override _write(chunk: Buffer, _: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.out.write(chunk)) done();
    else this.out.once('drain', () => done());
  }
}
