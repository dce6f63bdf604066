export * from './data-source';
export * from './sqlstate';
