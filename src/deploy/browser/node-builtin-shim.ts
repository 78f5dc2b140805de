// What `node:*` imports resolve to in the page's bundle (bundle-page.ts). The shared modules the
// page uses (the XDF parser) import node:fs for their file-reading entry points only, which the
// page never calls: calling one says so instead of failing obscurely.
function unavailable(): never {
  throw new Error('this Node.js function is not available in the browser page');
}
export const readFile = unavailable;
export const readFileSync = unavailable;
export const existsSync = unavailable;
export const createReadStream = unavailable;
export const join = (...parts: string[]): string => parts.join('/');
export default {};
