import type * as tf from '@tensorflow/tfjs';

/** Element strides of a 4-D tensor in memory: batch, height, width, channel. */
export interface Strides4 {
  b: number;
  h: number;
  w: number;
  c: number;
}

export function imageStrides(channelsLast: boolean, height: number, width: number, channels: number): Strides4 {
  return channelsLast
    ? { b: height * width * channels, h: width * channels, w: channels, c: 1 }
    : { b: channels * height * width, h: width, w: 1, c: height * width };
}

/**
 * Transposed im2col for images [b0, b0 + nImages): `out` is [K x rows] with K = (kh, kw, c) and
 * rows = (image, oh, ow), zeros where the receptive field falls in padding. Written transposed so
 * that the filter gradient P^T . dy is an untransposed (fast) matrix product.
 */
export function gatherPatchesTransposed(
  xv: Float32Array,
  out: Float32Array,
  b0: number,
  nImages: number,
  info: tf.backend_util.Conv2DInfo,
  xs: Strides4,
): void {
  const {
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padInfo,
  } = info;
  const rows = nImages * outHeight * outWidth;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      for (let c = 0; c < inChannels; c++) {
        let o = ((kh * filterWidth + kw) * inChannels + c) * rows;
        for (let b = b0; b < b0 + nImages; b++) {
          const xb = b * xs.b + c * xs.c;
          for (let oh = 0; oh < outHeight; oh++) {
            const h = oh * strideHeight + kh * dilationHeight - padInfo.top;
            if (h < 0 || h >= inHeight) {
              out.fill(0, o, o + outWidth);
              o += outWidth;
              continue;
            }
            const xh = xb + h * xs.h;
            for (let ow = 0; ow < outWidth; ow++) {
              const w = ow * strideWidth + kw * dilationWidth - padInfo.left;
              out[o++] = w < 0 || w >= inWidth ? 0 : (xv[xh + w * xs.w] as number);
            }
          }
        }
      }
    }
  }
}

/**
 * col2im for NHWC: adds each row of `cols` ([rows x K], K = (kh, kw, c)) back onto the input
 * positions its receptive field covers. `dx` must hold images [b0, b0 + nImages) at their offsets.
 */
export function scatterPatches(
  cols: Float32Array,
  dx: Float32Array,
  b0: number,
  nImages: number,
  info: tf.backend_util.Conv2DInfo,
): void {
  const {
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padInfo,
  } = info;
  const patchLen = filterHeight * filterWidth * inChannels;
  let r = 0;
  for (let b = b0; b < b0 + nImages; b++) {
    const db = b * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, r++) {
        const row = r * patchLen;
        for (let kh = 0; kh < filterHeight; kh++) {
          const h = oh * strideHeight + kh * dilationHeight - padInfo.top;
          if (h < 0 || h >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const w = ow * strideWidth + kw * dilationWidth - padInfo.left;
            if (w < 0 || w >= inWidth) continue;
            const d = db + (h * inWidth + w) * inChannels;
            const s = row + (kh * filterWidth + kw) * inChannels;
            for (let c = 0; c < inChannels; c++) dx[d + c] = (dx[d + c] as number) + (cols[s + c] as number);
          }
        }
      }
    }
  }
}

/** Copies dy for images [b0, b0 + nImages) into contiguous rows of `channels` values. */
export function gatherRows(
  dyv: Float32Array,
  out: Float32Array,
  b0: number,
  nImages: number,
  height: number,
  width: number,
  channels: number,
  s: Strides4,
): void {
  let o = 0;
  for (let b = b0; b < b0 + nImages; b++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        const base = b * s.b + h * s.h + w * s.w;
        for (let c = 0; c < channels; c++) out[o++] = dyv[base + c * s.c] as number;
      }
    }
  }
}

/** How many images fit in one chunk whose patch matrix stays under `maxFloats`. */
export function imagesPerChunk(batch: number, floatsPerImage: number, maxFloats: number): number {
  return Math.max(1, Math.min(batch, Math.floor(maxFloats / Math.max(1, floatsPerImage))));
}
