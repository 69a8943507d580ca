import { Inject, Injectable } from '@nestjs/common';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { CONFIG } from '../common/tokens';

/** What a bank's agent needs to reach this coordinator: the address it dials and the TLS it must bring. */
export interface AgentConnection {
  coordinator: string;
  /** mutual: a client certificate is required; server: the consortium CA only; none: --insecure. */
  tls: 'mutual' | 'server' | 'none';
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

/** Pure: the address to print in invitations and kits. */
export function agentConnection(
  config: Pick<CoordinatorConfig, 'advertisedGrpcAddress' | 'grpcHost' | 'insecure' | 'tlsClientCa'>,
  boundPort: number,
  requestHost?: string,
): AgentConnection {
  const tls = config.insecure ? 'none' : config.tlsClientCa ? 'mutual' : 'server';
  if (config.advertisedGrpcAddress) return { coordinator: config.advertisedGrpcAddress, tls };
  // Listening on every interface: the admin reached us by some name, and agents likely can too.
  const host = WILDCARD.has(config.grpcHost) ? (hostOf(requestHost) ?? 'localhost') : config.grpcHost;
  return { coordinator: `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${boundPort}`, tls };
}

function hostOf(hostHeader?: string): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^(\[[^\]]+\]|[^:]+)/.exec(hostHeader);
  return m?.[1];
}

@Injectable()
export class AgentAddress {
  private port: number;

  constructor(@Inject(CONFIG) private readonly config: CoordinatorConfig) {
    this.port = config.grpcPort;
  }

  /** The gRPC port actually bound (port 0 picks one at start-up). */
  bound(port: number): void {
    this.port = port;
  }

  describe(requestHost?: string): AgentConnection {
    return agentConnection(this.config, this.port, requestHost);
  }
}
