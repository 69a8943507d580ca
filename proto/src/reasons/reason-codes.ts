import type { WireErrorCode } from '../wire/errors';
import type { EnvelopeRejection } from '../wire/signed-envelope';
import type { ManifestRejection } from '../trust/epoch-manifest';
import type { SumRejection } from '../trust/sum-acceptance';
import type { MaskingRejection } from '../masking/masking-rejection';

/**
 * Every reason code the coordinator sends (gRPC metadata `syndicate-reason`, REST problem details `reason`),
 * with what it means to the caller. Both sides branch on these, so a code is added here before it is used;
 * `test/src/contracts/reason-codes.contract.spec.ts` fails on a literal that is not listed.
 */
export const REASON_MEANINGS = {
  // Catch-alls
  INTERNAL: 'the coordinator failed; its log says why (nothing the caller sent was wrong)',
  INVALID_REQUEST: 'the REST request body does not match its schema; `problems` lists each field',
  CANCELLED: 'the client went away before the call finished',
  DATABASE_UNREACHABLE: 'the coordinator cannot reach its database (health check)',
  STREAM_IDLE: 'an upload stream sent nothing for too long and was dropped; send it again',

  // API tokens and roles (REST)
  MISSING_TOKEN: 'the endpoint needs an API token (Authorization: Bearer ...)',
  MALFORMED_TOKEN: 'the bearer value is not a Syndicate API token',
  UNKNOWN_TOKEN: 'the API token is not known to this coordinator',
  TOKEN_EXPIRED: 'the API token has expired',
  TOKEN_REVOKED: 'the API token was revoked',
  TOKEN_NOT_FOUND: 'no API token has this id',
  NO_ROLES: 'a new API token must carry at least one role',
  ROLE_NOT_ALLOWED: "the token's roles do not allow this endpoint",
  INVALID_TOKEN: 'audit log only: checking the API token failed without a refusal (see the coordinator log)',

  // Console sessions (the web console's cookie, exchanged once for an API token)
  SESSION_UNKNOWN: 'the console session cookie is not known to this coordinator (sign in again)',
  SESSION_EXPIRED: 'the console session has expired (it never outlives its API token); sign in again',
  SESSION_REVOKED: 'the console session was signed out or its API token revoked; sign in again',
  CSRF_TOKEN_MISMATCH: "a change sent with the console session cookie lacks the session's X-CSRF-Token header",
  ORIGIN_NOT_ALLOWED: 'the request comes from another web origin than the coordinator itself',

  // Federations and plans
  INVALID_PLAN: 'the training plan is invalid; `problems` lists each field',
  FEDERATION_EXISTS: 'a federation with this name already exists',
  FEDERATION_NOT_FOUND: 'no federation has this id',
  STANDARDIZATION_MISMATCH: 'decrypted feature statistics differ from those already recorded for the federation',

  // Enrollment and participants
  UNKNOWN_ENROLLMENT_TOKEN: 'the enrollment token is not known to this coordinator',
  ENROLLMENT_TOKEN_USED: 'the enrollment token was already used (one token enrolls one agent once)',
  ENROLLMENT_TOKEN_EXPIRED: 'the enrollment token has expired; ask for a new invitation',
  BAD_PUBLIC_KEY: 'signing and box public keys must be 32 bytes each (Ed25519, X25519)',
  BAD_BOX_KEY_SIGNATURE: 'the box public key is not signed by the signing key that enrolls it',
  PARTICIPANT_EXISTS: 'a participant with this name is already enrolled in the federation',
  PARTICIPANT_NOT_FOUND: 'no participant has this id in the federation',
  UNKNOWN_PARTICIPANT: 'the signer is not enrolled; the agent must enroll again (fatal for the agent)',
  PARTICIPANT_REVOKED: 'the participant was revoked (fatal for the agent)',
  WRONG_FEDERATION: 'the participant or round belongs to another federation (fatal for the agent)',

  // Signed envelopes (see also ENVELOPE_*)
  MISSING_ENVELOPE: 'the request carries no signed envelope',
  ENVELOPE_REPLAYED: 'this signed message was already received once (replayed nonce)',

  // Rounds and schedules
  ROUND_NOT_FOUND: 'no round has this id',
  ROUND_IN_PROGRESS: 'another round of the federation is still running',
  EARLY_STOPPED:
    "the federated validation figure stopped improving for the plan's patience (selection.patience): no further round opens",
  ROUND_FINISHED: 'the round already published its model and can no longer be cancelled',
  ROUND_MOVED: 'someone else moved the round to another state first; read it again',
  ROUND_NOT_COLLECTING: 'the round does not take model updates now',
  ROUND_NOT_COUNTING: 'the round does not take sample counts or feature statistics now',
  ROUND_NOT_AGGREGATING: 'the round does not take a published model now',
  INVALID_SCHEDULE: 'the schedule is invalid; `problems` lists each field',
  SCHEDULE_EXISTS: 'the federation already has a schedule; cancel it first',
  SCHEDULE_NOT_FOUND: 'no schedule has this id',
  SCHEDULE_FINISHED: 'the schedule has already finished or been cancelled',
  SCHEDULE_STATE: 'the schedule is not in the state this transition starts from',
  QUORUM_TOO_SMALL:
    'a secure federation needs a quorum (minParticipants, --quorum) of at least 3: with 1 or 2 contributors a "sum" reveals a bank\'s update',

  // Contributions (uploads)
  MISSING_FIELD: 'a required field of the message is empty',
  HEADER_FIRST: 'a chunked upload must start with its header message',
  UNEXPECTED_MESSAGE: 'only chunks may follow the header of an upload',
  UNSUPPORTED_ENCODING: 'the payload encoding is not the one this round expects',
  UNEXPECTED_COUNT: 'sample counts are only sent under secure aggregation (a plaintext update carries its own)',
  STALE_BASE_MODEL: 'the update was trained from another model than the round trains from',
  SHAPE_MISMATCH: 'the payload does not carry the number of values the round expects',
  BAD_SAMPLE_COUNT: 'num_samples must be a positive integer',
  BAD_MOMENTS: 'the feature moments are not valid JSON',
  BAD_HISTOGRAM: 'the reported evaluation histogram is invalid',
  BAD_MODEL_PAYLOAD: 'the published model payload cannot be decoded',
  DUPLICATE_UPDATE: 'this participant already sent its model update for the round (settled: the agent moves on)',
  DUPLICATE_COUNT: 'this participant already sent its sample count for the round (settled)',
  DUPLICATE_EVALUATION: 'this participant already sent its evaluation histogram for the round (settled)',
  DUPLICATE_STATS: 'this participant already sent its feature statistics for the round (settled)',
  NOT_COUNTED: 'the participant sent no sample count this round, so its update cannot be weighted',
  NOT_A_CONTRIBUTOR:
    'the participant did not contribute to what it asks for: a sum goes only to members whose contribution of that kind is in it',
  NO_STATS_PHASE: 'the round did not collect feature statistics',
  NO_SCHEMA_COLLECTION:
    'the federation has no schema collection with this id (the admin starts one: syndicate schema collect)',
  SCHEMA_COLLECTION_STEP:
    'the schema collection is not at the step the member asked for (names before the index, tallies after it, nothing once closed)',
  SCHEMA_COLLECTION_OPEN: 'the federation already has a schema collection in progress',
  SCHEMA_NEEDS_KEY_EPOCH:
    'a schema collection sums encrypted tallies: the federation needs a secure plan and a key epoch first',
  BAD_SCHEMA_NAMES: 'the schema names contribution is not valid (columns and tagged, sealed category names)',
  BAD_SCHEMA_TALLY: 'the encrypted schema tally does not fit the index or its signed statement',
  ACCUMULATOR_SHAPE: "the stored sum has another length than the round's contributions (coordinator fault)",
  EMPTY_AGGREGATE: 'the round has no accepted updates to aggregate (coordinator fault)',
  AGGREGATE_NOT_FOUND: 'the round has no aggregate of this kind',
  AGGREGATE_NOT_READY: 'the sum is not final yet',
  SUM_BELOW_QUORUM: 'the sum holds fewer contributions than the quorum (at least 3 when secure); it is never served',

  // Publication and models
  MODEL_NOT_FOUND: 'no model version has this id',
  MODEL_NOT_IN_FEDERATION: "the model does not belong to the caller's federation",
  MODEL_SEALED: 'the model is sealed for members only; a member pulls it with syndicate-agent model pull',
  NOT_A_SCORECARD_MODEL: 'only a logistic-regression model exports as a scorecard',
  BASE_MODEL_SEALED: 'the round starts from a sealed model the coordinator cannot apply its optimizer to',
  WRONG_RELEASE_ENCODING: "the published model's encoding does not match the release policy",

  // Key epochs
  NOT_A_KEY_MEMBER: 'the participant holds no share of this key epoch; it joins at the next (settled for the agent)',
  NOT_THE_DEALER: 'the participant is not the dealer of this key epoch',
  KEY_EPOCH_NOT_FOUND: 'no key epoch has this number',
  KEY_EPOCH_NOT_READY: 'the key epoch has not been dealt yet',
  KEY_EPOCH_NOT_DEALING: 'the key epoch is not awaiting a dealer',
  KEY_SHARES_INCOMPLETE: 'key shares must cover each member exactly once',
  KEY_RESEAL_MISSING: 'publish the current model re-sealed under the new epoch before submitting key shares',
  BAD_KEY_SHARE: 'a sealed key share is malformed',
  PARAMETER_SET_MISMATCH: "the shares are for another BFV parameter set than the federation's",
  WRONG_KEY_EPOCH: 'the model or ceremony names another key epoch',

  // Federated evaluation
  NOT_AN_EVALUATOR: "the participant cannot evaluate this round's model (it does not hold the key epoch)",
  EVALUATION_NOT_FOUND: 'the model has no evaluation in the federation',
  EVALUATION_NOT_READY: 'the evaluation sum is not final yet',
  EVALUATION_NOT_COLLECTING:
    'the evaluation does not take histograms now (settled for the agent: it closed without it)',
  EVALUATION_MISMATCH: 'the decrypted histogram differs from the one already reported',
  WRONG_MODEL: 'the histograms were scored with another model than the round published',

  // REST edge
  BODY_TOO_LARGE: 'the request body is larger than the limit; send a smaller body',
  BODY_NOT_JSON: 'the request body is not valid JSON',
  BAD_PAGING: 'limit or after is not a whole number in range; the message names the range',

  // Mutual TLS and the audit witness
  CLIENT_CERTIFICATE_MISSING: 'the coordinator requires a client certificate bound to this participant',
  CLIENT_CERTIFICATE_MISMATCH: "the client certificate is not the one this participant enrolled with (another bank's?)",
  BAD_AUDIT_HEAD: 'the witnessed audit head is malformed',
  BAD_WITNESS_SIGNATURE: "the witness signature does not verify under the member's signing key",
  UNKNOWN_AUDIT_HEAD: 'the log has no entry with the witnessed sequence number and hash',

  // Bank-side trust: refused by a member's agent (reported with ReportRefusal), or by the coordinator
  MANIFEST_MISSING: 'a key share came without the dealer-signed epoch manifest; the member does not open it',
  KEY_EPOCH_TOO_FEW_TRUSTED:
    'the dealer trusts fewer than 3 of the members named: a key for 1 or 2 banks would let them read each other',
  ENDORSEMENT_NOT_OWN: 'a member can submit only endorsements it signed itself',
  BAD_ENDORSEMENT: 'the endorsement does not verify, is for another federation, or endorses its own signer',
  BAD_REASON: 'a refusal report carries a reason that is not a listed reason code',
  BAD_CONTRIBUTION_SIGNATURE:
    "a secure contribution must carry its sender's signed statement over the payload's hash and digest",
  MODEL_MISMATCH:
    "the model served differs from the one this member computed from the round's sum; it neither trains on nor evaluates it",
  BAD_MODEL_CONFIRMATION:
    'a model confirmation must be 32 bytes of SHA-256 signed by the member over federation, round and base model',
  MODEL_CONFIRMATION_MISMATCH:
    'the model this member computed from the sum differs from the one another member confirmed or the publisher uploaded; neither is recorded',
  PUBLICATION_UNCONFIRMED:
    "a round's published model was not confirmed by another member (same SHA-256) before the publication deadline; no model was recorded",
  STATS_UNUSABLE:
    "a plaintext round's summed feature statistics cannot scale the plan's federated features (one no bank has a value for); the round fails before training",
  EVALUATION_UNCONFIRMED:
    "an evaluation's decrypted histograms were not reported by two agreeing members before the decryption deadline; no figures were recorded",
  AGGREGATE_OUT_OF_RANGE:
    'a decrypted aggregate is outside what honest members can produce (a poisoning member?); the member did not apply it',

  // Pairwise masking (coordinator side; the agent's own refusals are MASKING_REASON_MEANINGS)
  MASK_SESSION_UNKNOWN: 'no masked sum of this kind is open for this round (masking off, or the phase has not started)',
  MASK_NOT_EXPECTED: 'this member is not among the members the masked sum expects',
  MASK_ADVERT_LATE: 'the masked sum stopped taking mask keys (all expected members advertised, or its window closed)',
  MASK_ADVERT_INVALID:
    'the mask advert is not signed by this member, its keys are malformed, or it sealed shares to the wrong holders',
  MASK_NOT_COMMITTED:
    'a masked contribution from a member that did not advertise mask keys for this sum (or before the adverts closed)',
  MASK_STEP_OUT_OF_ORDER:
    "the masking step does not fit the sum's state (survivors are signed and shares revealed only after the phase closed)",
  MASK_STEP_INVALID:
    'a survivor signature that does not verify, a set other than the survivors, or a reveal the survivor set does not allow',

  // Admin client only: the coordinator could not be reached (status 0)
  UNREACHABLE: 'the admin client could not reach the coordinator',
} as const;

/** What each `WIRE_*` / `UPDATE_*` suffix means: a payload that does not match what its sender declared. */
export const WIRE_REASON_MEANINGS: Record<WireErrorCode, string> = {
  BAD_LENGTH: 'the payload length is not a whole number of values',
  SHAPE_MISMATCH: 'the payload carries another number of values than declared',
  NOT_FINITE: 'a value is NaN or infinite; updates must be finite',
  TOO_LARGE: 'the payload declares more bytes than the limit',
  BAD_DESCRIPTOR: 'the payload descriptor is malformed',
  OUT_OF_ORDER: 'chunks arrived out of order',
  CHUNK_TOO_LARGE: 'a chunk exceeds the size limit',
  OVERFLOW: 'the payload is longer than declared',
  INCOMPLETE: 'the payload is shorter than declared',
  HASH_MISMATCH: 'the payload does not hash to the declared SHA-256',
  PARAMETER_SET_MISMATCH: "the ciphertexts use another BFV parameter set than the round's",
  KEY_EPOCH_MISMATCH: "the ciphertexts are under another key epoch than the round's",
  BAD_CIPHERTEXT: 'a ciphertext cannot be decoded',
  BAD_SEAL: 'a sealed payload cannot be opened or is malformed',
};

/** What each `ENVELOPE_*` suffix means: a signed envelope that fails verification. */
export const ENVELOPE_REASON_MEANINGS: Record<EnvelopeRejection, string> = {
  MALFORMED: 'the envelope is malformed',
  BAD_SIGNATURE: "the signature does not verify under the participant's key",
  WRONG_FEDERATION: 'the envelope is signed for another federation',
  WRONG_ROUND: 'the envelope is signed for another round',
  WRONG_PHASE: 'the envelope is signed for another step of the protocol',
  WRONG_KEY_EPOCH: 'the envelope is signed for another key epoch',
  PAYLOAD_MISMATCH: 'the envelope signs another payload digest',
  STALE: 'the envelope timestamp is outside the accepted window',
};

/** What a member's agent refuses when checking a key epoch's manifest or a sum (see proto/src/trust). */
export const TRUST_REASON_MEANINGS: Record<ManifestRejection | SumRejection, string> = {
  MANIFEST_WRONG_EPOCH: 'the epoch manifest names another federation, key epoch or parameter set',
  MANIFEST_BAD_SIGNATURE: 'the epoch manifest is not signed by the dealer it names',
  MANIFEST_DEALER_NOT_MEMBER: 'the epoch manifest names a dealer that is not one of its members',
  MANIFEST_UNTRUSTED_DEALER: 'the key epoch was dealt by a member this bank does not trust (not pinned or endorsed)',
  MANIFEST_UNTRUSTED_MEMBER: 'the key epoch is sealed to a member this bank does not trust',
  MANIFEST_BAD_BOX_KEY: "a member's box key in the manifest is not signed by its own signing key",
  MANIFEST_DUPLICATE_MEMBER: 'the epoch manifest lists a member (or a signing key) twice',
  MANIFEST_SELF_MISSING: 'the epoch manifest does not list this member under its own keys',
  MANIFEST_WRAPPED_KEY_MISMATCH: 'the wrapped key differs from the one the dealer signed',
  SUM_TOO_FEW_CONTRIBUTORS: 'a sum names fewer trusted contributors than the member decrypts (never fewer than 3)',
  SUM_WRONG_ROUND: 'a sum names a contribution of another round, kind or key epoch',
  SUM_BAD_SIGNATURE: 'a contribution named in a sum is not signed by its sender',
  SUM_UNTRUSTED_CONTRIBUTOR: 'a sum names a contributor this bank does not trust',
  SUM_DUPLICATE_CONTRIBUTOR: 'a sum names one contributor (or one signing key) twice',
  SUM_SELF_MISSING: 'a sum leaves out this member although it contributed',
  SUM_DIGEST_MISMATCH: 'the ciphertext handed over is not the sum of the contributions it lists (digests differ)',
};

/** What a member's agent refuses in the masking protocol (see proto/src/masking). */
export const MASKING_REASON_MEANINGS: Record<MaskingRejection, string> = {
  MASK_BOTH_SHARES_REQUESTED:
    "the coordinator asked for both a peer's self-mask share and its mask-key share (together they unmask it)",
  MASK_SHARE_UNKNOWN_PEER: 'the coordinator asked for shares of a member that dealt this member none',
  SURVIVOR_SET_MISMATCH:
    'the survivor set is not the one this member signed, or not every survivor signed it (told different stories?)',
  TOO_FEW_SURVIVORS:
    'fewer members survived than the masking threshold: nothing is revealed and the sum is not decrypted',
};

export type FixedReasonCode = keyof typeof REASON_MEANINGS;
/** `WIRE_*` for a bad upload stream, `UPDATE_*` for an update whose values do not decode. */
export type WireReasonCode = `WIRE_${WireErrorCode}` | `UPDATE_${WireErrorCode}`;
export type EnvelopeReasonCode = `ENVELOPE_${EnvelopeRejection}`;
/** REST errors raised by the framework itself (e.g. an unknown route: HTTP_404). */
export type HttpReasonCode = `HTTP_${number}`;
export type ReasonCode =
  | FixedReasonCode
  | WireReasonCode
  | EnvelopeReasonCode
  | HttpReasonCode
  | ManifestRejection
  | SumRejection
  | MaskingRejection;

/** Prefixes of the built codes and the suffixes each takes (HTTP_ takes a status number). */
export const REASON_FAMILIES: Readonly<Record<string, readonly string[] | 'status'>> = {
  WIRE_: Object.keys(WIRE_REASON_MEANINGS),
  UPDATE_: Object.keys(WIRE_REASON_MEANINGS),
  ENVELOPE_: Object.keys(ENVELOPE_REASON_MEANINGS),
  HTTP_: 'status',
};

/** The codes as constants, so callers compare against `REASON.DUPLICATE_UPDATE` rather than a string. */
export const REASON = Object.fromEntries(Object.keys(REASON_MEANINGS).map((k) => [k, k])) as {
  readonly [K in FixedReasonCode]: K;
};

export function isReasonCode(value: string): value is ReasonCode {
  if (Object.prototype.hasOwnProperty.call(REASON_MEANINGS, value)) return true;
  if (Object.prototype.hasOwnProperty.call(TRUST_REASON_MEANINGS, value)) return true;
  if (Object.prototype.hasOwnProperty.call(MASKING_REASON_MEANINGS, value)) return true;
  for (const [prefix, suffixes] of Object.entries(REASON_FAMILIES)) {
    if (!value.startsWith(prefix)) continue;
    const rest = value.slice(prefix.length);
    if (suffixes === 'status' ? /^[1-5]\d\d$/.test(rest) : suffixes.includes(rest)) return true;
  }
  return false;
}

/** What a code means, for logs and CLIs; undefined for a code this version does not know. */
export function reasonMeaning(code: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(REASON_MEANINGS, code)) return REASON_MEANINGS[code as FixedReasonCode];
  if (Object.prototype.hasOwnProperty.call(TRUST_REASON_MEANINGS, code))
    return TRUST_REASON_MEANINGS[code as ManifestRejection | SumRejection];
  if (Object.prototype.hasOwnProperty.call(MASKING_REASON_MEANINGS, code))
    return MASKING_REASON_MEANINGS[code as MaskingRejection];
  if (!isReasonCode(code)) return undefined;
  const [prefix, suffix] = [code.slice(0, code.indexOf('_') + 1), code.slice(code.indexOf('_') + 1)];
  if (prefix === 'ENVELOPE_') return ENVELOPE_REASON_MEANINGS[suffix as EnvelopeRejection];
  if (prefix === 'HTTP_') return `the REST layer answered HTTP ${suffix}`;
  return WIRE_REASON_MEANINGS[suffix as WireErrorCode];
}

/** The gRPC metadata key that carries a refusal's reason code. */
export const REASON_METADATA_KEY = 'syndicate-reason';
