export * from './stack-file';
export * from './helpers';
export * from './otlp-receiver';
export * from './factories/customer.factory';
export * from './in-process-service';
