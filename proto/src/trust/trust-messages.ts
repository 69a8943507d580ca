// The trust RPCs' generated message types under stable names (kept apart from grpc/types.ts).
export type { ListMembersRequest, ListMembersRequest__Output } from '../generated/syndicate/v1/ListMembersRequest';
export type { ListMembersResponse, ListMembersResponse__Output } from '../generated/syndicate/v1/ListMembersResponse';
export type {
  SubmitEndorsementRequest,
  SubmitEndorsementRequest__Output,
} from '../generated/syndicate/v1/SubmitEndorsementRequest';
export type {
  SubmitEndorsementResponse,
  SubmitEndorsementResponse__Output,
} from '../generated/syndicate/v1/SubmitEndorsementResponse';
export type {
  ReportRefusalRequest,
  ReportRefusalRequest__Output,
} from '../generated/syndicate/v1/ReportRefusalRequest';
export type {
  ReportRefusalResponse,
  ReportRefusalResponse__Output,
} from '../generated/syndicate/v1/ReportRefusalResponse';
export type { EpochManifest as EpochManifestMessage } from '../generated/syndicate/v1/EpochManifest';
export type { ContributionStatement__Output as ContributionStatementMessage } from '../generated/syndicate/v1/ContributionStatement';
export type { ConfirmModelRequest, ConfirmModelRequest__Output } from '../generated/syndicate/v1/ConfirmModelRequest';
export type {
  ConfirmModelResponse,
  ConfirmModelResponse__Output,
} from '../generated/syndicate/v1/ConfirmModelResponse';
