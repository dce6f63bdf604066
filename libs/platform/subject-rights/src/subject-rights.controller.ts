import { Controller, Get, Inject, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { SUBJECT_RIGHTS_EXPORT_SCOPES } from '@rapport/contracts';
import {
  LOGGER,
  SERVICE_DEFINITION,
  Caller,
  CallerScopes,
  type CallerIdentity,
  type ServiceDefinition,
} from '@rapport/platform-runtime';
import type { Logger } from '@rapport/platform-observability';
import type { Response } from 'express';
import { SUBJECT_RIGHTS_PARTICIPANT, type SubjectRightsParticipant } from './participant';
import { writeSection } from './section-writer';

/** The internal subject-rights API of a participating service; the gateway is its only caller. */
@Controller('internal/v1/subject-rights/customers')
export class SubjectRightsController {
  constructor(
    @Inject(SUBJECT_RIGHTS_PARTICIPANT) private readonly participant: SubjectRightsParticipant,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':id/export')
  @CallerScopes(...SUBJECT_RIGHTS_EXPORT_SCOPES)
  async export(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Caller() caller: CallerIdentity,
    @Res() response: Response,
  ): Promise<void> {
    const readAt = new Date().toISOString();
    // Errors up to here (not found, not visible) still become a problem+json answer.
    const data = await this.participant.exportSection(id, caller);
    response.status(200).type('application/json');
    try {
      await writeSection(response, { service: this.definition.name, readAt, data });
      response.end();
    } catch (error) {
      // Too late for a problem: cut the body short, so the gateway cannot mistake it for a whole section.
      this.logger.error({ err: error, customerId: id }, 'subject-rights export failed while streaming');
      response.destroy(error as Error);
    }
  }
}
