import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../generated/participant_service';

/** Directory holding syndicate/v1/*.proto, shipped with the package. */
export const PROTO_ROOT = path.resolve(__dirname, '..', '..');

/** Must match the flags of the `generate` script, or the generated types lie. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let cached: ProtoGrpcType | undefined;

/** The syndicate.v1 package, loaded once per process. */
export function loadProtocol(): ProtoGrpcType {
  if (!cached) {
    const definition = protoLoader.loadSync('syndicate/v1/participant_service.proto', PROTO_LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  }
  return cached;
}

/**
 * Payload slice size. Small, so that an upload waiting for an aggregation slot
 * holds at most a chunk or two at the coordinator (HTTP/2 flow control keeps the
 * rest at the sender): coordinator memory stays flat as members are added.
 */
export const CHUNK_BYTES = 256 * 1024;

/** Largest single message either side accepts: gRPC's usual 4 MiB (chunks, plans, key ceremonies). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Firewalls and NAT boxes drop idle TCP after minutes while a bank trains for an
 * hour, so both sides ping every 30 s; the server must permit it or it answers
 * with GOAWAY (too_many_pings).
 */
export const KEEPALIVE_TIME_MS = 30_000;
export const KEEPALIVE_TIMEOUT_MS = 10_000;

export const SERVER_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': KEEPALIVE_TIME_MS,
  'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
};

export const CLIENT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': KEEPALIVE_TIME_MS,
  'grpc.keepalive_timeout_ms': KEEPALIVE_TIMEOUT_MS,
  'grpc.keepalive_permit_without_calls': 1,
};
