import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '../backend/wasm-kernels/adam-update.ts';

/** AdamOptimizer's state, private in its typings only; we keep its names and layout. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/**
 * tf.train.adam with every variable's update in one kernel (MotionfuseAdamUpdate) instead of ~15 each,
 * where the current backend has that kernel (wasm, ours registered); elsewhere tfjs's own update.
 * Same arithmetic, moments, names and saved state as AdamOptimizer (getWeights/setWeights, config,
 * class name 'Adam'), and like it reads `learningRate` at every step, so schedules may set it.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    if (tf.getKernel(ADAM_UPDATE, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const listed = Array.isArray(variableGradients) ? variableGradients : undefined;
    const names = listed?.map((v) => v.name) ?? Object.keys(variableGradients);
    const engine = tf.engine();
    tf.tidy(() => {
      const inputs: Record<string, tf.Tensor> = { accBeta1: state.accBeta1, accBeta2: state.accBeta2 };
      const updated: [tf.Variable, tf.Variable, tf.Variable][] = [];
      names.forEach((name, i) => {
        const value = engine.registeredVariables[name] as tf.Variable;
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const grad = listed ? listed[i]?.tensor : (variableGradients as tf.NamedTensorMap)[name];
        if (grad == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const k = updated.length;
        Object.assign(inputs, { [`x${k}`]: value, [`m${k}`]: m, [`v${k}`]: v, [`grad${k}`]: grad });
        updated.push([value, m, v]);
      });
      // Every variable's step in one kernel.
      const attrs: AdamUpdateAttrs = {
        learningRate: state.learningRate,
        beta1: state.beta1,
        beta2: state.beta2,
        epsilon: state.epsilon,
        count: updated.length,
      };
      const outs =
        updated.length === 0
          ? []
          : (engine.runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]);
      updated.forEach(([value, m, v], k) => {
        m.assign(outs[3 * k + 1] as tf.Tensor);
        v.assign(outs[3 * k + 2] as tf.Tensor);
        value.assign(outs[3 * k] as tf.Tensor);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    this.incrementIterations();
  }
}

/** Drop-in for tf.train.adam (same defaults; epsilon null takes the backend's). */
export function adamOptimizer(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon: number | null = null,
): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon as number);
}
