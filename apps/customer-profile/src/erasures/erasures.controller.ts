import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { Caller, CallerScopes, type CallerIdentity } from '@rapport/platform-runtime';
import { ErasuresService, type ErasureView } from './erasures.service';

/** Internal API, reached through the gateway only: an erasure request and each expected service's state. */
@Controller('internal/v1/erasures')
export class ErasuresController {
  constructor(private readonly erasures: ErasuresService) {}

  /** Whoever may erase (customers:write) follows the requests they made; admins and department clients any. */
  @Get(':id')
  @CallerScopes('customers:write')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: CallerIdentity): Promise<ErasureView> {
    return this.erasures.get(id, caller);
  }
}
