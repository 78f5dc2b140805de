// Injected into the page's bundle (bundle-page.ts) for every use of the global `Buffer`: the XDF
// parser the page shares with Node reads its chunks through Buffer, which browsers lack. This is
// feross/buffer, the standard browser implementation of Node's Buffer API.
export { Buffer } from 'buffer';
