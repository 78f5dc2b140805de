import { UserError } from '../core/errors.ts';
import type { Quantization } from './quantize-weights.ts';

/** One model variant `motionfuse deploy` exports: its folder name under the out dir, and how it is made. */
export interface DeployVariant {
  name: string;
  quantization: Quantization | 'float32';
  pruned: boolean;
}

export interface VariantRequest {
  quantize: readonly Quantization[];
  /** Kernel sparsity to prune to (0 < s < 1); absent: no pruning. */
  prune?: number;
  fineTune?: number;
}

/**
 * The variants a request makes: float32 always (the reference every other row is measured
 * against), each asked quantisation, and with --prune the pruned float32 model and the pruned
 * model in each asked quantisation (pruned + int8: zeros stay exact codes).
 */
export function deployVariants(request: VariantRequest): DeployVariant[] {
  if (request.prune !== undefined && !(request.prune > 0 && request.prune < 1))
    throw new UserError(
      `--prune ${request.prune}: the sparsity must be above 0 and below 1`,
      'For example --prune 0.5.',
    );
  if (request.fineTune !== undefined && request.prune === undefined)
    throw new UserError('--fine-tune needs --prune: it fine-tunes the pruned model', 'Add --prune 0.5, say.');
  if (request.fineTune !== undefined && !(Number.isInteger(request.fineTune) && request.fineTune >= 0))
    throw new UserError(`--fine-tune ${request.fineTune}: give a whole number of epochs`, 'For example --fine-tune 3.');
  const quantize = [...new Set(request.quantize)];
  const out: DeployVariant[] = [{ name: 'float32', quantization: 'float32', pruned: false }];
  for (const q of quantize) out.push({ name: q, quantization: q, pruned: false });
  if (request.prune !== undefined) {
    out.push({ name: 'pruned', quantization: 'float32', pruned: true });
    for (const q of quantize) out.push({ name: `pruned-${q}`, quantization: q, pruned: true });
  }
  return out;
}
