import { Controller, Get, Query } from '@nestjs/common';
import { ChurnEvaluationQuery } from '@rapport/contracts';
import { CallerScopes } from '@rapport/platform-runtime';
import { ChurnService } from './churn.service';

@CallerScopes('analytics:read')
@Controller('internal/v1/models/churn')
export class ChurnController {
  constructor(private readonly service: ChurnService) {}

  /** Precision and recall at the threshold on a past date, and the lift over "longest since the last purchase". */
  @Get('evaluation')
  evaluation(@Query() query: ChurnEvaluationQuery) {
    return this.service.evaluation(new Date(query.asOf), query.horizonDays ?? 90, new Date());
  }
}
