export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
export const LOGGER = Symbol('LOGGER');
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
export const EVENT_PRODUCER = Symbol('EVENT_PRODUCER');
