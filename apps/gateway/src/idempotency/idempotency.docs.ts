/** The `Idempotency-Key` header as every POST that honours it documents it. */
export const IDEMPOTENCY_HEADER_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Retrying with the same key and body returns the first answer without a second effect; a different body gets 422.',
};
