import { SHOWINFO_FILTER } from './probe-video.ts';

/**
 * The ffmpeg filter graphs (`-vf`) our decodes run: frames picked by ffmpeg's `select` before any
 * scaling or colour conversion (skipped frames are decoded, as inter-frame codecs need, but never
 * converted to RGB or piped), then resized keeping their aspect ratio (`scale`, area averaging as
 * in resizeFrames) and centre-cropped or padded with black to the size.
 */

/**
 * The graph of a one-pass decode: showinfo first (every frame's timestamp, as probeVideo reads
 * them), then every `every`-th frame, resized. `dropSideData` deletes the frames' side data
 * before showinfo, which would log it (hasSideDataFilter: where ffmpeg has the filter).
 */
export function onePassFilterGraph(
  every: number,
  width: number,
  height: number,
  fit: 'crop' | 'pad',
  dropSideData = false,
): string {
  return [
    ...(dropSideData ? ['sidedata=mode=delete'] : []),
    SHOWINFO_FILTER,
    ...(every > 1 ? [`select='not(mod(n,${every}))'`] : []),
    ...resizeFilters(width, height, fit),
  ].join(',');
}

/**
 * The graph of a decode after a probe: the `decoded` frames (ascending, distinct) of a
 * `source.frameCount`-frame clip, resized to width x height unless that is the source's size.
 */
export function selectionFilterGraph(
  decoded: number[],
  source: { frameCount: number; width: number; height: number },
  width: number,
  height: number,
  fit: 'crop' | 'pad',
): string {
  const filters: string[] = [];
  if (decoded.length < source.frameCount) filters.push(`select='${selectExpression(decoded)}'`);
  filters.push(
    ...(width !== source.width || height !== source.height ? resizeFilters(width, height, fit) : ['format=rgb24']),
  );
  return filters.join(',');
}

/**
 * Scaled so the frame covers (crop) or fits in (pad) the size, then cut or bordered to it, centred.
 * In RGB before cropping or padding, so the cut is exact to the pixel and the border black.
 */
export function resizeFilters(width: number, height: number, fit: 'crop' | 'pad'): string[] {
  return [
    `scale=${width}:${height}:force_original_aspect_ratio=${fit === 'crop' ? 'increase' : 'decrease'}:flags=area`,
    'format=rgb24',
    fit === 'crop' ? `crop=${width}:${height}` : `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black`,
  ];
}

/**
 * An expression for ffmpeg's `select` filter true for exactly these frame numbers (ascending,
 * distinct): runs of consecutive frames become `between(n,a,b)`, a regular stride `not(mod(n,s))`.
 */
function selectExpression(frames: number[]): string {
  if (frames.length === 0) return '0';
  const stride = (frames[1] ?? 0) - (frames[0] as number);
  if (frames.length > 2 && frames[0] === 0 && stride > 1 && frames.every((f, j) => f === j * stride)) {
    return `not(mod(n,${stride}))*lte(n,${frames[frames.length - 1] as number})`;
  }
  const terms: string[] = [];
  for (let j = 0; j < frames.length;) {
    let end = j;
    while (end + 1 < frames.length && frames[end + 1] === (frames[end] as number) + 1) end++;
    terms.push(
      end === j ? `eq(n,${frames[j] as number})` : `between(n,${frames[j] as number},${frames[end] as number})`,
    );
    j = end + 1;
  }
  return terms.join('+');
}
