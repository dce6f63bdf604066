import './tracing';
import { runService } from '@rapport/platform-runtime';
import { AppModule, serviceDefinition } from './app.module';
import { setUpOpenApi } from './openapi';

void runService({ definition: serviceDefinition, rootModule: AppModule, configure: (app) => setUpOpenApi(app) });
