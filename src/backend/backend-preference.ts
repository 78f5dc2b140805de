/**
 * The tensor backends a user can ask for (`--backend`, MOTIONFUSE_BACKEND), apart from
 * select-backend.ts so the command line can name them without loading TensorFlow.js.
 */
export const BACKEND_PREFERENCES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];
