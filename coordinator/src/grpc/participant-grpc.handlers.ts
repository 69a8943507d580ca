import { Inject, Injectable } from '@nestjs/common';
import type { ParticipantServiceHandlers } from '@syndicate/protocol';
import { AggregateDownloadHandlers } from './aggregate-download.handlers';
import { EnrollmentHandlers } from './enrollment.handlers';
import { EvaluationHandlers } from './evaluation.handlers';
import { KeyShareHandlers } from './key-share.handlers';
import { MaskingHandlers } from './masking.handlers';
import { MemberTrustHandlers } from './member-trust.handlers';
import { ModelDownloadHandlers } from './model-download.handlers';
import { PublishHandlers } from './publish.handlers';
import { SchemaCollectionHandlers } from './schema-collection.handlers';
import { StandardizationHandlers } from './standardization.handlers';
import { TaskStreamHandlers } from './task-stream.handlers';
import { UploadHandlers } from './upload.handlers';

/** A handler group: the RPCs of one family. */
export interface HandlerGroup {
  handlers(): Partial<ParticipantServiceHandlers>;
}

export const HANDLER_GROUPS = Symbol('HANDLER_GROUPS');

/** Every RPC family's handler class; the module provides each and injects them as one list. */
export const HANDLER_GROUP_TYPES = [
  EnrollmentHandlers,
  TaskStreamHandlers,
  ModelDownloadHandlers,
  UploadHandlers,
  AggregateDownloadHandlers,
  PublishHandlers,
  KeyShareHandlers,
  EvaluationHandlers,
  StandardizationHandlers,
  MemberTrustHandlers,
  MaskingHandlers,
  SchemaCollectionHandlers,
];

/** Every group, injected as one list so adding an RPC family does not grow a constructor. */
export const handlerGroupsProvider = {
  provide: HANDLER_GROUPS,
  useFactory: (...groups: HandlerGroup[]) => groups,
  inject: HANDLER_GROUP_TYPES,
};

/**
 * The participant-facing gRPC service, assembled from one handler group per RPC
 * family. Handlers only decode, authenticate, delegate and encode.
 */
@Injectable()
export class ParticipantGrpcHandlers {
  constructor(@Inject(HANDLER_GROUPS) private readonly groups: HandlerGroup[]) {}

  handlers(): ParticipantServiceHandlers {
    return Object.assign({}, ...this.groups.map((g) => g.handlers())) as ParticipantServiceHandlers;
  }
}
