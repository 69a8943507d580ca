// Re-exports of the generated message types under stable names.
export type { ProtoGrpcType } from '../generated/participant_service';
export type {
  ParticipantServiceClient,
  ParticipantServiceHandlers,
} from '../generated/syndicate/v1/ParticipantService';
export type { Envelope, Envelope__Output } from '../generated/syndicate/v1/Envelope';
export type { Chunk, Chunk__Output } from '../generated/syndicate/v1/Chunk';
export type { PayloadDescriptor, PayloadDescriptor__Output } from '../generated/syndicate/v1/PayloadDescriptor';
export type { EnrollRequest, EnrollRequest__Output } from '../generated/syndicate/v1/EnrollRequest';
export type { EnrollResponse, EnrollResponse__Output } from '../generated/syndicate/v1/EnrollResponse';
export type { SubscribeRequest, SubscribeRequest__Output } from '../generated/syndicate/v1/SubscribeRequest';
export type { SubscribeResponse, SubscribeResponse__Output } from '../generated/syndicate/v1/SubscribeResponse';
export type { Task, Task__Output } from '../generated/syndicate/v1/Task';
export type { FederationNotice, FederationNotice__Output } from '../generated/syndicate/v1/FederationNotice';
export type {
  DownloadModelRequest,
  DownloadModelRequest__Output,
} from '../generated/syndicate/v1/DownloadModelRequest';
export type {
  DownloadModelResponse,
  DownloadModelResponse__Output,
} from '../generated/syndicate/v1/DownloadModelResponse';
export type { ModelHeader, ModelHeader__Output } from '../generated/syndicate/v1/ModelHeader';
export type { UpdateHeader, UpdateHeader__Output } from '../generated/syndicate/v1/UpdateHeader';
export type { UploadUpdateRequest, UploadUpdateRequest__Output } from '../generated/syndicate/v1/UploadUpdateRequest';
export type {
  UploadUpdateResponse,
  UploadUpdateResponse__Output,
} from '../generated/syndicate/v1/UploadUpdateResponse';
export type { EvaluationHistogram, EvaluationHistogram__Output } from '../generated/syndicate/v1/EvaluationHistogram';
export type {
  SubmitEvaluationRequest,
  SubmitEvaluationRequest__Output,
} from '../generated/syndicate/v1/SubmitEvaluationRequest';
export type {
  SubmitEvaluationResponse,
  SubmitEvaluationResponse__Output,
} from '../generated/syndicate/v1/SubmitEvaluationResponse';
export type {
  SchemaCollectionRequest,
  SchemaCollectionRequest__Output,
} from '../generated/syndicate/v1/SchemaCollectionRequest';
export type {
  SchemaCollectionResponse,
  SchemaCollectionResponse__Output,
} from '../generated/syndicate/v1/SchemaCollectionResponse';
export type {
  SubmitStandardizationRequest,
  SubmitStandardizationRequest__Output,
} from '../generated/syndicate/v1/SubmitStandardizationRequest';
export type {
  SubmitStandardizationResponse,
  SubmitStandardizationResponse__Output,
} from '../generated/syndicate/v1/SubmitStandardizationResponse';
export type { Phase, Phase__Output } from '../generated/syndicate/v1/Phase';
export type { PayloadEncoding, PayloadEncoding__Output } from '../generated/syndicate/v1/PayloadEncoding';
export type { TaskType, TaskType__Output } from '../generated/syndicate/v1/TaskType';
export type { UpdateKind, UpdateKind__Output } from '../generated/syndicate/v1/UpdateKind';
export type { MemberKey, MemberKey__Output } from '../generated/syndicate/v1/MemberKey';
export type { SealedKeyShare, SealedKeyShare__Output } from '../generated/syndicate/v1/SealedKeyShare';
export type {
  SubmitKeySharesRequest,
  SubmitKeySharesRequest__Output,
} from '../generated/syndicate/v1/SubmitKeySharesRequest';
export type {
  SubmitKeySharesResponse,
  SubmitKeySharesResponse__Output,
} from '../generated/syndicate/v1/SubmitKeySharesResponse';
export type {
  FetchKeyShareRequest,
  FetchKeyShareRequest__Output,
} from '../generated/syndicate/v1/FetchKeyShareRequest';
export type {
  FetchKeyShareResponse,
  FetchKeyShareResponse__Output,
} from '../generated/syndicate/v1/FetchKeyShareResponse';
export type {
  DownloadAggregateRequest,
  DownloadAggregateRequest__Output,
} from '../generated/syndicate/v1/DownloadAggregateRequest';
export type {
  DownloadAggregateResponse,
  DownloadAggregateResponse__Output,
} from '../generated/syndicate/v1/DownloadAggregateResponse';
export type { AggregateHeader, AggregateHeader__Output } from '../generated/syndicate/v1/AggregateHeader';
export type { PublishHeader, PublishHeader__Output } from '../generated/syndicate/v1/PublishHeader';
export type { PublishModelRequest, PublishModelRequest__Output } from '../generated/syndicate/v1/PublishModelRequest';
export type {
  PublishModelResponse,
  PublishModelResponse__Output,
} from '../generated/syndicate/v1/PublishModelResponse';
export type {
  AuditWitnessServiceClient,
  AuditWitnessServiceHandlers,
} from '../generated/syndicate/v1/AuditWitnessService';
export type { AuditHead, AuditHead__Output } from '../generated/syndicate/v1/AuditHead';
export type {
  WitnessAuditHeadRequest,
  WitnessAuditHeadRequest__Output,
} from '../generated/syndicate/v1/WitnessAuditHeadRequest';
export type {
  WitnessAuditHeadResponse,
  WitnessAuditHeadResponse__Output,
} from '../generated/syndicate/v1/WitnessAuditHeadResponse';
export type {
  AdvertiseMaskRequest,
  AdvertiseMaskRequest__Output,
} from '../generated/syndicate/v1/AdvertiseMaskRequest';
export type {
  GetMaskSessionRequest,
  GetMaskSessionRequest__Output,
} from '../generated/syndicate/v1/GetMaskSessionRequest';
export type { MaskAdvert, MaskAdvert__Output } from '../generated/syndicate/v1/MaskAdvert';
export type { MaskSessionView, MaskSessionView__Output } from '../generated/syndicate/v1/MaskSessionView';
export type { RevealSharesRequest, RevealSharesRequest__Output } from '../generated/syndicate/v1/RevealSharesRequest';
export type { RevealedShare, RevealedShare__Output } from '../generated/syndicate/v1/RevealedShare';
export type { SealedMaskShares, SealedMaskShares__Output } from '../generated/syndicate/v1/SealedMaskShares';
export type {
  SignSurvivorsRequest,
  SignSurvivorsRequest__Output,
} from '../generated/syndicate/v1/SignSurvivorsRequest';
export type { SurvivorSignature, SurvivorSignature__Output } from '../generated/syndicate/v1/SurvivorSignature';
