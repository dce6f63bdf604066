export * from './problem';
export * from './problem.filter';
export * from './validation';
export * from './express';
export * from './cursor';
export * from './if-match';
