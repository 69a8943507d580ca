import { createChannelClient, type AgentTransport } from '@syndicate/participant';
import { splitIntoChunks, type UpdateHeader } from '@syndicate/protocol';

/** Sends an upload exactly as given (header, then chunks) and resolves with the refusal reason, or 'OK'. */
export function rawUpload(
  to: { grpcAddress: string; transport: AgentTransport },
  header: UpdateHeader,
  payload: Buffer,
): Promise<string> {
  const client = createChannelClient(to.grpcAddress, to.transport);
  return new Promise((resolve) => {
    const call = client.UploadUpdate((err) => {
      client.close();
      resolve(err ? String(err.metadata?.get('syndicate-reason')?.[0] ?? err.code) : 'OK');
    });
    call.write({ header });
    for (const chunk of splitIntoChunks(payload)) call.write({ chunk });
    call.end();
  });
}
