import { AcceptedCiphertext } from '../aggregation/accepted-ciphertext.entity';
import { RoundAccumulator } from '../aggregation/round-accumulator.entity';
import { UpdateReceipt } from '../aggregation/update-receipt.entity';
import { ModelEvaluation } from '../evaluation/model-evaluation.entity';
import { Federation } from '../federations/federation.entity';
import { ModelVersion } from '../models/model-version.entity';
import { EnrollmentToken } from '../participants/enrollment-token.entity';
import { Participant } from '../participants/participant.entity';
import { EndorsementRecord } from '../participants/endorsement.entity';
import { UsedNonce } from '../participants/used-nonce.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditWitness } from '../audit/audit-witness.entity';
import { KeyEpoch } from '../keys/key-epoch.entity';
import { KeyShare } from '../keys/key-share.entity';
import { Round } from '../rounds/round.entity';
import { ApiToken } from '../access/api-token.entity';
import { ConsoleSession } from '../access/console-session.entity';
import { Schedule } from '../rounds/schedule.entity';
import { MaskMessage } from '../masking/mask-message.entity';
import { MaskSessionRecord } from '../masking/mask-session.entity';
import { PendingPublication } from '../rounds/pending-publication.entity';
import { ModelConfirmationRecord } from '../rounds/model-confirmation.entity';
import { SchemaCollection } from '../schema-collection/schema-collection.entity';
import { SchemaContribution } from '../schema-collection/schema-contribution.entity';

export const ENTITIES = [
  Federation,
  Participant,
  EndorsementRecord,
  EnrollmentToken,
  UsedNonce,
  Round,
  UpdateReceipt,
  RoundAccumulator,
  ModelVersion,
  ModelEvaluation,
  KeyEpoch,
  KeyShare,
  AuditEvent,
  AuditWitness,
  AcceptedCiphertext,
  ApiToken,
  ConsoleSession,
  Schedule,
  MaskSessionRecord,
  MaskMessage,
  PendingPublication,
  ModelConfirmationRecord,
  SchemaCollection,
  SchemaContribution,
];
