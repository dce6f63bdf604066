import { Module } from '@nestjs/common';
import { PublicSurveysController } from './public-surveys.controller';
import { SurveysController } from './surveys.controller';

@Module({ controllers: [SurveysController, PublicSurveysController] })
export class SurveysModule {}
