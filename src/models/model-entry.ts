import type { z } from 'zod';
import type { ModelRecipe } from './model-recipe.ts';

/**
 * One kind of model an experiment file can name: `model: { type: <type>, ...options }`. The
 * options schema is the one place the model's options, ranges and defaults are written (the
 * experiment schema is assembled from the entries); `build` gets them checked, defaults filled in.
 * Each entry is declared next to its builder; `model-registry.ts` collects them.
 */
export interface ModelEntry<Options extends z.ZodObject = z.ZodObject> {
  /** The name experiment files use (`model: { type: ... }`). */
  type: string;
  /** One line: what it is. */
  describe: string;
  /** The options besides `type`: a strict zod object, every key with a default or required. */
  options: Options;
  build(options: z.output<Options>): ModelRecipe;
}

/** An entry, its `build` typed by its own options (the registry holds entries of every kind). */
export function modelEntry<Options extends z.ZodObject>(entry: ModelEntry<Options>): ModelEntry {
  return entry as unknown as ModelEntry;
}
