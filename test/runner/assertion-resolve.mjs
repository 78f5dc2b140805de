// A module resolve hook (node:module register): see assertion-hooks.mjs.
const countedAssert = new URL('./counted-assert.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'uvu/assert' && context.parentURL !== countedAssert)
    return { url: countedAssert, shortCircuit: true };
  return nextResolve(specifier, context);
}
