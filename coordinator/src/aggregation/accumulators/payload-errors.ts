import { WireFormatError } from '@syndicate/protocol';
import { SyndicateError } from '../../common/syndicate-error';

/** A payload that fails to decode is the sender's error, named UPDATE_<wire code>. */
export function asUpdateError(err: unknown): unknown {
  return err instanceof WireFormatError
    ? new SyndicateError('INVALID_ARGUMENT', `UPDATE_${err.code}`, err.message)
    : err;
}
