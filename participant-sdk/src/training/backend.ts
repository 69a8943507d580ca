import * as path from 'path';
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

let loaded: Promise<{ tf: Tf; backend: string }> | undefined;

function optionalRequire(id: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
    return require(id);
  } catch {
    return undefined;
  }
}

/**
 * tfjs-node (native TensorFlow) when the bank installed it, else the WASM backend
 * shipped on npm. tfjs-node's install downloads libtensorflow, which fails offline,
 * so it is never a hard dependency. SYNDICATE_TF_BACKEND=cpu|wasm|tensorflow overrides.
 */
export function initTensorflow(): Promise<{ tf: Tf; backend: string }> {
  loaded ??= (async () => {
    const wanted = process.env.SYNDICATE_TF_BACKEND;
    if (wanted === undefined || wanted === 'tensorflow') {
      const native = optionalRequire('@tensorflow/tfjs-node') as Tf | undefined;
      if (native) {
        await native.setBackend('tensorflow');
        await native.ready();
        return { tf: native, backend: 'tensorflow' };
      }
      if (wanted === 'tensorflow')
        throw new Error('SYNDICATE_TF_BACKEND=tensorflow but @tensorflow/tfjs-node is not installed');
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
    const tf = require('@tensorflow/tfjs') as Tf;
    // PROD silences tfjs's "install tfjs-node" hint: running without it is a deliberate choice here.
    tf.env().set('PROD', true);
    if (wanted !== 'cpu') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (optional, UMD or ESM-only package)
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      const dist =
        path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
      wasm.setWasmPaths(dist);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { tf, backend: 'wasm' };
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return { tf, backend: 'cpu' };
  })();
  return loaded;
}
