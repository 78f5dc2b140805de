import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The model.json of Google's MoveNet SinglePose Lightning as shipped in the `@vladmandic/human`
 * npm package (models/, MIT), read from node_modules: no download. Its weights files lie beside
 * it, named in its weightsManifest. The pose estimator and the pretrained backbone both load it.
 * Throws (as `import.meta.resolve` does) when the package is not installed; callers say what to do.
 */
export function locateMoveNet(): string {
  // The package's exports hide package.json; its Node entry is <package>/dist/human.node.js.
  const packageDir = dirname(dirname(fileURLToPath(import.meta.resolve('@vladmandic/human'))));
  return join(packageDir, 'models', 'movenet-lightning.json');
}
