export { ParticipantAgent, AGENT_VERSION, type AgentOptions } from './agent/participant-agent';
export { CoordinatorClient, CoordinatorCallError, createChannelClient, enroll } from './agent/coordinator-client';
export { enrollAgent, runAgent } from './agent/agent-runner';
export { backoffDelay } from './agent/backoff';
export * from './crypto/identity-store';
export { pullModel, writePulledModel, type PulledModel } from './agent/model-pull';
export { KeyRing } from './crypto/key-ring';
export { channelCredentials, mergeTransport, agentTransportSchema, type AgentTransport } from './agent/transport';
