import { SyndicateError } from '../common/syndicate-error';
import type { EnrollmentToken } from './enrollment-token.entity';

/** Why an invitation token cannot enroll an agent into `federationId` now, or null when it can. */
export function enrollmentTokenRefusal(
  row: Pick<EnrollmentToken, 'federationId' | 'usedAt' | 'expiresAt'> | null,
  federationId: string,
  now: number,
): SyndicateError | null {
  if (!row || row.federationId !== federationId)
    return new SyndicateError(
      'UNAUTHENTICATED',
      'UNKNOWN_ENROLLMENT_TOKEN',
      'enrollment token is not valid for this federation; ask the consortium admin for a new invitation',
    );
  if (row.usedAt !== null) return tokenUsed();
  if (row.expiresAt <= now)
    return new SyndicateError(
      'PERMISSION_DENIED',
      'ENROLLMENT_TOKEN_EXPIRED',
      `enrollment token expired at ${new Date(row.expiresAt).toISOString()}; ask for a new invitation`,
    );
  return null;
}

export const tokenUsed = (): SyndicateError =>
  new SyndicateError(
    'PERMISSION_DENIED',
    'ENROLLMENT_TOKEN_USED',
    'enrollment token was already used; each token enrolls one agent once',
  );
