import { Body, Controller, Get, Patch } from '@nestjs/common';
import { UpdateProgrammeRequest, type ProgrammeView } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { ProgrammeService } from './programme.service';

@Controller('internal/v1/programme')
export class ProgrammeController {
  constructor(private readonly programme: ProgrammeService) {}

  @Get()
  @CallerScopes('loyalty:read')
  async get(): Promise<ProgrammeView> {
    return this.programme.get();
  }

  @Patch()
  @CallerScopes('admin')
  async update(@Body() body: UpdateProgrammeRequest): Promise<ProgrammeView> {
    return this.programme.update(body);
  }
}
