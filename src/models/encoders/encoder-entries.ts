import { z } from 'zod';
import { MODALITIES, type Modality } from '../../inputs/input-spec.ts';
import { DEFAULT_DEPTH_MAPS_OPTIONS } from './depth-maps-options.ts';
import type { EncoderBuilder } from './encoder-builder.ts';
import { DEFAULT_STGCN_OPTIONS } from './stgcn-options.ts';
import { DEFAULT_TEMPORAL_CNN_OPTIONS } from './temporal-cnn-options.ts';

/**
 * The encoders an experiment can give a modality of the fusion network instead of its built-in
 * one: `model: { type: fusion, use: [imu, pose], encoders: { imu: { type: tcn }, pose: { type: stgcn } } }`.
 * Each entry: the modalities it takes, its options (zod: the one place their defaults are
 * written) and its builder, loaded with TensorFlow.js only when a network is built. A new encoder
 * is one entry here and one builder file.
 */
export interface EncoderEntry {
  type: string;
  describe: string;
  modalities: readonly Modality[];
  options: z.ZodObject;
  /** Modalities the fusion network has no built-in encoder for, which get this one (its defaults) unless another is named. */
  defaultFor?: readonly Modality[];
  load(): Promise<EncoderBuilder<never>>;
}

const positiveInt = z.number().int().positive();
const widths = z.array(positiveInt).min(1);
const tcn = DEFAULT_TEMPORAL_CNN_OPTIONS;
const stgcn = DEFAULT_STGCN_OPTIONS;

export const ENCODER_ENTRIES: readonly EncoderEntry[] = [
  {
    type: 'tcn',
    describe: 'temporal CNN: conv1d + BatchNorm + ReLU + max-pool 2 per block, global average pooling',
    modalities: ['imu', 'pose'],
    options: z.strictObject({
      widths: widths.default([...tcn.widths]).describe('filters of each block'),
      kernel: positiveInt.default(tcn.kernel).describe('temporal kernel length'),
      residual: z
        .boolean()
        .default(tcn.residual)
        .describe("a 1x1 projection of each block's input added to its output"),
    }),
    load: async () => (await import('./temporal-cnn-encoder.ts')).buildTemporalCnnEncoder as EncoderBuilder<never>,
  },
  {
    type: 'stgcn',
    describe: "spatial-temporal graph convolution (ST-GCN) over the joint set's skeleton, pooled over time and joints",
    modalities: ['pose'],
    options: z.strictObject({
      channels: widths.default([...stgcn.channels]).describe('output channels of each block'),
      strides: widths.default([...stgcn.strides]).describe('temporal stride of each block (one per block)'),
      temporalKernel: positiveInt.default(stgcn.temporalKernel).describe("length of each block's temporal convolution"),
      edgeImportance: z.boolean().default(stgcn.edgeImportance).describe('learn an importance mask per edge'),
      dropout: z.number().min(0).lt(1).default(stgcn.dropout).describe('dropout at the end of each block'),
    }),
    load: async () => (await import('./stgcn-encoder.ts')).buildStgcnEncoder as EncoderBuilder<never>,
  },
  {
    type: 'cnn2d',
    describe: 'a 2-D CNN (conv 3x3 + BatchNorm + ReLU, halving the map, per block) over the depth motion maps',
    modalities: ['depthMaps'],
    // Depth motion maps have no encoder of the source paper's.
    defaultFor: ['depthMaps'],
    options: z.strictObject({
      widths: widths.default([...DEFAULT_DEPTH_MAPS_OPTIONS.widths]).describe('filters of each block'),
      downsample: z
        .enum(['stride', 'max-pool'])
        .default(DEFAULT_DEPTH_MAPS_OPTIONS.downsample)
        .describe(
          'each block halves the map by a stride-2 conv, or a full-size conv and 2x2 max-pooling (4x the work)',
        ),
      pooling: z
        .enum(['flatten', 'mean'])
        .default(DEFAULT_DEPTH_MAPS_OPTIONS.pooling)
        .describe('the last map to a vector: flattened (where it moved) or averaged'),
    }),
    load: async () => (await import('./depth-maps-encoder.ts')).buildDepthMapsEncoder as EncoderBuilder<never>,
  },
];

/** An encoder choice as an experiment gives it. */
export interface EncoderChoice {
  type: string;
  [option: string]: unknown;
}

/** The `encoders:` option of the fusion models: per modality, one of the encoders that take it. */
export function encodersSchema() {
  const perModality = Object.fromEntries(
    MODALITIES.flatMap((modality) => {
      const members = ENCODER_ENTRIES.filter((e) => e.modalities.includes(modality)).map((e) =>
        z.strictObject({ type: z.literal(e.type), ...e.options.shape }).describe(e.describe),
      );
      if (members.length === 0) return [];
      const union =
        members.length === 1
          ? (members[0] as z.ZodObject)
          : z.discriminatedUnion('type', members as unknown as [z.ZodObject, ...z.ZodObject[]]);
      return [[modality, union.optional()]];
    }),
  );
  // Optional without a default: a file that does not name encoders resolves as it did before
  // they existed (the same trial ids).
  return z
    .strictObject(perModality)
    .optional()
    .describe("per modality, an encoder instead of the built-in one (absent: the source paper's encoder)");
}

/** `encoders` with each read modality that names none given the entry that is its default, with that entry's defaults. */
export function withDefaultEncoders(
  modalities: readonly Modality[],
  encoders: Partial<Record<Modality, EncoderChoice>>,
): Partial<Record<Modality, EncoderChoice>> {
  const out = { ...encoders };
  for (const modality of modalities) {
    const entry = ENCODER_ENTRIES.find((e) => e.defaultFor?.includes(modality));
    if (out[modality] === undefined && entry !== undefined)
      out[modality] = { type: entry.type, ...(entry.options.parse({}) as object) };
  }
  return out;
}

export function encoderEntry(type: string): EncoderEntry {
  const entry = ENCODER_ENTRIES.find((e) => e.type === type);
  if (entry === undefined) throw new Error(`no encoder '${type}'`);
  return entry;
}
