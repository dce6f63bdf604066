// Loaded first by main.ts, before any instrumented module (http, express, pg) is required.
import { startTracing } from '@rapport/platform-observability';

startTracing('gateway');
