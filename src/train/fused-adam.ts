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
 * tf.train.adam with each variable's update as one kernel (MotionfuseAdamUpdate) instead of ~15,
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
    const attrs: AdamUpdateAttrs = {
      learningRate: state.learningRate,
      beta1: state.beta1,
      beta2: state.beta2,
      epsilon: state.epsilon,
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = engine.registeredVariables[name] as tf.Variable;
        // As AdamOptimizer: moments by position, made on first sight even without a gradient.
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
        const inputs = { x: value, m, v, grad, accBeta1: state.accBeta1, accBeta2: state.accBeta2 };
        const [x1, m1, v1] = engine.runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m1 as tf.Tensor);
        v.assign(v1 as tf.Tensor);
        value.assign(x1 as tf.Tensor);
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
