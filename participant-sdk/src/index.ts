export { ParticipantAgent, AGENT_VERSION, type AgentOptions } from './agent/participant-agent';
export { CoordinatorClient, CoordinatorCallError, createChannelClient, enroll } from './agent/coordinator-client';
export { enrollAgent, runAgent } from './agent/agent-runner';
export { backoffDelay } from './agent/backoff';
export * from './crypto/identity-store';
export { pullModel, writePulledModel, type PulledModel } from './agent/model-pull';
export { KeyRing } from './crypto/key-ring';
export { channelCredentials, mergeTransport, agentTransportSchema, type AgentTransport } from './agent/transport';
export { loadCsvDataset, type Dataset } from './data/csv-dataset';
export { holdoutMask, splitHoldout, splitValidationTest } from './data/holdout-split';
export { predict } from './evaluation/metrics';
export { buildModel } from './training/model-factory';
export { localEvaluationPath, type LocalEvaluation } from './agent/federated-evaluation';
export {
  witnessAuditHead,
  witnessRefusal,
  lastWitnessed,
  auditWitnessPath,
  AuditWitnessRefused,
} from './agent/audit-witness';
export { writePrivateFile, appendPrivateLine } from './common/private-file';
export * from './serving';
export { agentSplit, agentRows } from './benefit/agent-holdout';
export { effectivePlan, standardizationPath } from './agent/standardization-file';
export { personalizedModelPath } from './benefit/personalized-model-file';
export { trainRounds } from './benefit/local-rounds';
export { trainLocal } from './training/local-trainer';
export { standardizedPlan } from './benefit/standardized-plan';
export { describeFit, fitBaseline, type BaselineFitReport } from './benefit/baseline-fit';
export { fitLogisticNewton, NEWTON_TOLERANCE } from './benefit/logistic-fit';
export { agentTrust, policySource } from './trust/agent-trust';
export { MemberTrust } from './trust/member-trust';
export { TrustRefusal } from './trust/trust-refusal';
export { loadTrustPolicy, pinMember, setEndorsementsRequired, trustPath } from './trust/trust-store';
export { dealKeyEpoch } from './agent/key-ceremony';
export { MIN_KEY_MEMBERS } from './crypto/trusted-key-share';
export { ownCard } from './trust/own-card';
export { SecureSums } from './agent/secure-sums';
export { MemberMasking } from './masking/member-masking';
export { MaskMemory } from './masking/mask-memory';
export { confirmModel } from './agent/model-confirmation';
export { SchemaCollectionClient } from './agent/schema-collection-client';
export { memberWeight, applyAggregate } from './agent/secure-round';
