export { takeBackup, type Target } from './backup';
export { restoreBackup, type RestoreResult } from './restore';
export * from './manifest';
