export * from './tokens';
export * from './service-config';
export * from './identity';
export * from './internal-auth.guard';
export * from './service-core.module';
export * from './run-service';
export { ServiceLifecycle } from './lifecycle';
export { OUTBOX_RELAY } from './service-core.providers';
export { IntervalRunner } from './interval-runner';
