import { Injectable } from '@nestjs/common';
import type { ProgrammeView, UpdateProgrammeRequest } from '@rapport/contracts';
import { ProgrammeSchema } from './programme';
import { ProgrammeErrorCode, ProgrammeException } from './programme.exception';
import { ProgrammeRepository } from './programme.repository';

@Injectable()
export class ProgrammeService {
  constructor(private readonly programmes: ProgrammeRepository) {}

  async get(): Promise<ProgrammeView> {
    const programme = await this.programmes.current();
    return { config: programme.config, version: programme.version, updatedAt: programme.updatedAt.toISOString() };
  }

  /** Optimistic concurrency on the version; the merged programme is validated as a whole. */
  async update(body: UpdateProgrammeRequest): Promise<ProgrammeView> {
    const current = await this.programmes.current();
    const parsed = ProgrammeSchema.safeParse({ ...current.config, ...body.config });
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        field: ['config', ...i.path.map(String)].join('.'),
        message: i.message,
      }));
      throw new ProgrammeException(ProgrammeErrorCode.InvalidProgramme, 'The programme is not valid', errors);
    }
    const updated = await this.programmes.update(parsed.data, body.version);
    if (!updated) {
      throw new ProgrammeException(
        ProgrammeErrorCode.VersionMismatch,
        `The programme is at version ${current.version}, not ${body.version}`,
        'version',
      );
    }
    return { config: parsed.data, version: updated.version, updatedAt: updated.updatedAt.toISOString() };
  }
}
