import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The page's entry: its TypeScript and every shared module it imports are bundled from source. */
export const PAGE_ENTRY = join(HERE, 'browser', 'classify-page.ts');

/**
 * The page's script: browser/classify-page.ts and what it imports (the input builders, the XDF
 * parser, the custom layers, TensorFlow.js) bundled by esbuild from the sources themselves, so
 * the page preprocesses with the very code Node uses. `node:*` imports, reached only by the
 * shared modules' file-reading entry points, resolve to a shim that throws if ever called; the
 * global Buffer the XDF parser reads with is the `buffer` package's (browser/buffer-global.ts).
 */
export async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    legalComments: 'none',
    inject: [join(HERE, 'browser', 'buffer-global.ts')],
    logLevel: 'silent',
    plugins: [
      {
        name: 'node-builtins',
        setup(b) {
          b.onResolve({ filter: /^node:/ }, () => ({ path: join(HERE, 'browser', 'node-builtin-shim.ts') }));
        },
      },
    ],
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('bundlePage(): esbuild wrote nothing');
  return file.text;
}
