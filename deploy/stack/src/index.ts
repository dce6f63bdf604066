export * from './stack';
export * from './control-server';
export { killAllSync } from './processes';
export { repoRoot } from './paths';
