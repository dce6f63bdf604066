import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { CallerScopes } from '@rapport/platform-runtime';
import { CustomerRefsService } from './customer-refs.service';

@CallerScopes('tickets:read')
@Controller('internal/v1/customer-refs')
export class CustomerRefsController {
  constructor(private readonly service: CustomerRefsService) {}

  @Get(':customerId')
  async get(@Param('customerId', new ParseUUIDPipe()) customerId: string) {
    return this.service.get(customerId);
  }
}
