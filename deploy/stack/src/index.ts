export * from './stack';
export * from './control-server';
export { killAllSync } from './processes';
export { repoRoot } from './paths';
export * from './demo-tokens';
export * from './openapi/openapi-files';
