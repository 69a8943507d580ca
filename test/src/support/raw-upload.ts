import { createChannelClient } from '@syndicate/participant';
import { splitIntoChunks, type UpdateHeader } from '@syndicate/protocol';

/** Sends an upload exactly as given (header, then chunks) and resolves with the refusal reason, or 'OK'. */
export function rawUpload(address: string, header: UpdateHeader, payload: Buffer): Promise<string> {
  const client = createChannelClient(address);
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
