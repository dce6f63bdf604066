export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
