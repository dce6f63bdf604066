export * from './permissions';
export * from './masking';
export * from './oidc-verifier';
