import { Module } from '@nestjs/common';
import { CustomerSurveyResponsesController, PublicSurveysController, SurveysController } from './surveys.controller';
import { SURVEYS_CONFIG, loadSurveysConfig } from './surveys.config';
import { SurveysRepository } from './surveys.repository';
import { SurveysService } from './surveys.service';

@Module({
  controllers: [SurveysController, PublicSurveysController, CustomerSurveyResponsesController],
  providers: [SurveysRepository, SurveysService, { provide: SURVEYS_CONFIG, useFactory: () => loadSurveysConfig() }],
  // for interaction's subject-rights participant
  exports: [SurveysRepository],
})
export class SurveysModule {}
