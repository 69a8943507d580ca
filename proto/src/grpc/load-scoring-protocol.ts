import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from './load-protocol';

/** The scoring service's definition (syndicate/v1/scoring_service.proto), for `serve` and its clients. */
export function loadScoringService(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync('syndicate/v1/scoring_service.proto', PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    syndicate: { v1: { ScoringService: grpc.ServiceClientConstructor } };
  };
  return pkg.syndicate.v1.ScoringService;
}
