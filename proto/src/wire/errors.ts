export type WireErrorCode =
  | 'BAD_LENGTH'
  | 'SHAPE_MISMATCH'
  | 'NOT_FINITE'
  | 'TOO_LARGE'
  | 'BAD_DESCRIPTOR'
  | 'OUT_OF_ORDER'
  | 'CHUNK_TOO_LARGE'
  | 'OVERFLOW'
  | 'INCOMPLETE'
  | 'HASH_MISMATCH'
  | 'PARAMETER_SET_MISMATCH'
  | 'KEY_EPOCH_MISMATCH'
  | 'BAD_CIPHERTEXT'
  | 'BAD_SEAL';

/** A payload that does not match what its sender declared. `code` is stable for callers. */
export class WireFormatError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WireFormatError';
  }
}
