import { Module } from '@nestjs/common';
import { RawUpstream } from '../imports/raw-upstream';
import { SegmentsController } from './segments.controller';

@Module({ controllers: [SegmentsController], providers: [RawUpstream] })
export class SegmentsModule {}
