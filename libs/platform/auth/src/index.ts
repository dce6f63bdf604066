export * from './permissions';
export * from './masking';
export * from './oidc-verifier';
export * from './signed-token';
export * from './verified-token-cache';
