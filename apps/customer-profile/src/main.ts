import './tracing';
import { runService } from '@rapport/platform-runtime';
import { AppModule, serviceDefinition } from './app.module';

void runService({ definition: serviceDefinition, rootModule: AppModule });
