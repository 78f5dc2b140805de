import { UserError } from '../core/errors.ts';
import { LSTM_ENTRY, SINGLE_FRAME_CNN_ENTRY, TWO_STREAM_CNN_ENTRY } from './baselines/baseline-entries.ts';
import { SVM_ENTRY } from './baselines/svm-entry.ts';
import { FUSION_ENTRY, FUSION_PRESET_ENTRIES, LATE_FUSION_ENTRY } from './fusion-entries.ts';
import type { ModelEntry } from './model-entry.ts';
import type { ModelRecipe } from './model-recipe.ts';

/** A model as an experiment gives it: `type` names the entry, the other keys are its options. */
export interface ModelSpec {
  type: string;
  [option: string]: unknown;
}

/**
 * The models, by type. Registering a type that is taken is an error (two entries would answer to
 * one name); building an unknown type is a UserError listing the registered ones.
 */
export class ModelRegistry {
  private readonly byType = new Map<string, ModelEntry>();

  register(entry: ModelEntry): void {
    if (this.byType.has(entry.type))
      throw new Error(`ModelRegistry.register(): the model type '${entry.type}' is taken`);
    this.byType.set(entry.type, entry);
  }

  /** Every entry, in the order registered (the experiment schema lists them so). */
  entries(): readonly ModelEntry[] {
    return [...this.byType.values()];
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  /** The types whose every option has a default, so that the name alone is a model (fusion needs `use`). */
  typesWithoutOptions(): string[] {
    return this.entries()
      .filter((e) => e.options.safeParse({}).success)
      .map((e) => e.type);
  }

  entry(type: string): ModelEntry | undefined {
    return this.byType.get(type);
  }

  /** The recipe of a spec: its type's entry, built from the other keys (checked, defaults filled in). */
  build(spec: ModelSpec): ModelRecipe {
    const { type, ...options } = spec;
    const entry = this.byType.get(type);
    if (entry === undefined) throw new UserError(`unknown model '${type}'`, `known models: ${this.types().join(', ')}`);
    const parsed = entry.options.safeParse(options);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.length === 0 ? 'options' : issue.path.join('.')}: ${issue.message}`,
      );
      throw new UserError(`model '${type}': ${problems.join('; ')}`);
    }
    return entry.build(parsed.data);
  }
}

/** The registered models: the generic fusion network, its presets, then the source paper's baselines. */
export const MODELS = new ModelRegistry();
for (const entry of [
  FUSION_ENTRY,
  ...FUSION_PRESET_ENTRIES,
  LATE_FUSION_ENTRY,
  SVM_ENTRY,
  SINGLE_FRAME_CNN_ENTRY,
  TWO_STREAM_CNN_ENTRY,
  LSTM_ENTRY,
])
  MODELS.register(entry);

/** The recipe cross-validation runs for a model spec (an experiment's `model:`). */
export function buildModel(spec: ModelSpec): ModelRecipe {
  return MODELS.build(spec);
}
