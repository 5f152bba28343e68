/** Colour maps for `imshow`/`scatter(c=…)` and a tiny PNG encoder, so images embed in the SVG as `<image>` (pure TS, browser-safe). */

type Rgb = readonly [number, number, number];

/** Piecewise-linear maps through anchor colours (0..255), evenly spaced on [0, 1]. */
function anchors(points: readonly Rgb[]): (t: number) => Rgb {
  return (t) => {
    const x = Math.min(1, Math.max(0, t)) * (points.length - 1);
    const i = Math.min(points.length - 2, Math.floor(x));
    const f = x - i;
    const a = points[i]!;
    const b = points[i + 1]!;
    return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
  };
}

// NOTE: viridis, plasma and the like are drawn through 9 anchors taken from matplotlib's tables,
// so colours between anchors are close to matplotlib's but not identical; gray and binary are exact.
const VIRIDIS = anchors([
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
]);
const PLASMA = anchors([
  [13, 8, 135], [84, 2, 163], [139, 10, 165], [185, 50, 137], [219, 92, 104],
  [244, 136, 73], [254, 188, 43], [240, 249, 33], [240, 249, 33],
]);
const GRAY = (t: number): Rgb => { const v = 255 * Math.min(1, Math.max(0, t)); return [v, v, v]; };
const JET = anchors([[0, 0, 127], [0, 0, 255], [0, 127, 255], [0, 255, 255], [127, 255, 127], [255, 255, 0], [255, 127, 0], [255, 0, 0], [127, 0, 0]]);
const HOT = anchors([[10, 0, 0], [255, 0, 0], [255, 255, 0], [255, 255, 255]]);
const COOLWARM = anchors([[59, 76, 192], [141, 176, 254], [221, 221, 221], [244, 154, 123], [180, 4, 38]]);
const BLUES = anchors([[247, 251, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]]);
const REDS = anchors([[255, 245, 240], [252, 187, 161], [251, 106, 74], [203, 24, 29], [103, 0, 13]]);

// More of matplotlib's maps, by the same anchor scheme: its tables at t = 0, 1/8, …, 1 for the
// perceptual ones, ColorBrewer's published steps for the sequential and diverging ones, and the exact
// end points of matplotlib's linear maps (bwr, seismic, cool, spring, summer, autumn, winter).
const MAGMA = anchors([[0, 0, 4], [28, 16, 68], [79, 18, 123], [129, 37, 129], [181, 54, 122], [229, 80, 100], [251, 135, 97], [254, 194, 135], [252, 253, 191]]);
const INFERNO = anchors([[0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85], [227, 89, 51], [249, 140, 10], [249, 201, 50], [252, 255, 164]]);
const CIVIDIS = anchors([[0, 34, 78], [18, 53, 112], [59, 73, 108], [87, 93, 109], [112, 113, 115], [138, 134, 120], [165, 156, 116], [195, 179, 105], [254, 232, 56]]);
const BREWER: Record<string, Rgb[]> = {
  Greens: [[247, 252, 245], [199, 233, 192], [116, 196, 118], [35, 139, 69], [0, 68, 27]],
  Oranges: [[255, 245, 235], [253, 208, 162], [253, 141, 60], [217, 72, 1], [127, 39, 4]],
  Purples: [[252, 251, 253], [218, 218, 235], [158, 154, 200], [106, 81, 163], [63, 0, 125]],
  RdBu: [[103, 0, 31], [178, 24, 43], [214, 96, 77], [244, 165, 130], [253, 219, 199], [247, 247, 247], [209, 229, 240], [146, 197, 222], [67, 147, 195], [33, 102, 172], [5, 48, 97]],
  RdYlBu: [[165, 0, 38], [215, 48, 39], [244, 109, 67], [253, 174, 97], [254, 224, 144], [255, 255, 191], [224, 243, 248], [171, 217, 233], [116, 173, 209], [69, 117, 180], [49, 54, 149]],
  Spectral: [[158, 1, 66], [213, 62, 79], [244, 109, 67], [253, 174, 97], [254, 224, 139], [255, 255, 191], [230, 245, 152], [171, 221, 164], [102, 194, 165], [50, 136, 189], [94, 79, 162]],
  bwr: [[0, 0, 255], [255, 255, 255], [255, 0, 0]],
  seismic: [[0, 0, 76.5], [0, 0, 255], [255, 255, 255], [255, 0, 0], [127.5, 0, 0]],
  cool: [[0, 255, 255], [255, 0, 255]],
  spring: [[255, 0, 255], [255, 255, 0]],
  summer: [[0, 127.5, 102], [255, 255, 102]],
  autumn: [[255, 0, 0], [255, 255, 0]],
  winter: [[0, 0, 255], [0, 255, 127.5]],
};

const MAPS: Record<string, (t: number) => Rgb> = {
  viridis: VIRIDIS, plasma: PLASMA, magma: MAGMA, inferno: INFERNO, cividis: CIVIDIS,
  gray: GRAY, grey: GRAY, Greys: (t) => GRAY(1 - t), binary: (t) => GRAY(1 - t),
  jet: JET, hot: HOT, coolwarm: COOLWARM, Blues: BLUES, Reds: REDS,
  ...Object.fromEntries(Object.entries(BREWER).map(([name, points]) => [name, anchors(points)])),
};

/**
 * A colour map by matplotlib name ('viridis', 'gray', 'binary', 'jet', …; a '_r' suffix reverses it),
 * mapping [0, 1] to 0..255 RGB.
 *
 * @example
 * ```ts
 * colormap('gray')(0.5); // [127.5, 127.5, 127.5]
 * ```
 */
export function colormap(name: string): (t: number) => Rgb {
  const reversed = name.endsWith('_r');
  const base = MAPS[reversed ? name.slice(0, -2) : name];
  if (base === undefined) {
    throw new Error(`pyplot: unknown colormap ${JSON.stringify(name)} (known: ${Object.keys(MAPS).join(', ')}, each also with '_r')`);
  }
  return reversed ? (t) => base(1 - t) : base;
}

let crcTable: Uint32Array | null = null;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * An RGBA image (row-major, 4 bytes per pixel) as PNG bytes. The deflate stream uses stored
 * (uncompressed) blocks: images here are small (an MNIST digit is 3 KB) and no zlib is needed.
 *
 * @example
 * ```ts
 * const png = encodePng(1, 1, new Uint8Array([255, 0, 0, 255]));
 * png.subarray(1, 4); // 'PNG'
 * ```
 */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  if (rgba.length !== width * height * 4) throw new Error(`encodePng: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${rgba.length}`);
  const rowLen = width * 4 + 1;
  const raw = new Uint8Array(rowLen * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * rowLen + 1); // filter byte 0
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const zlib = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  zlib[0] = 0x78;
  zlib[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, raw.length - start);
    zlib[o++] = b === blocks - 1 ? 1 : 0;
    zlib[o++] = len & 0xff; zlib[o++] = len >>> 8;
    zlib[o++] = ~len & 0xff; zlib[o++] = (~len >>> 8) & 0xff;
    zlib.set(raw.subarray(start, start + len), o);
    o += len;
  }
  let a = 1;
  let s2 = 0;
  for (let i = 0; i < raw.length; i++) { a = (a + raw[i]!) % 65521; s2 = (s2 + a) % 65521; }
  const adler = ((s2 << 16) | a) >>> 0;
  zlib[o++] = adler >>> 24; zlib[o++] = (adler >>> 16) & 0xff; zlib[o++] = (adler >>> 8) & 0xff; zlib[o++] = adler & 0xff;

  const chunks: Array<[string, Uint8Array]> = [];
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  chunks.push(['IHDR', ihdr], ['IDAT', zlib], ['IEND', new Uint8Array(0)]);
  const total = 8 + chunks.reduce((n, [, d]) => n + 12 + d.length, 0);
  const out = new Uint8Array(total);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(out.buffer);
  let p = 8;
  for (const [type, data] of chunks) {
    view.setUint32(p, data.length);
    for (let k = 0; k < 4; k++) out[p + 4 + k] = type.charCodeAt(k);
    out.set(data, p + 8);
    view.setUint32(p + 8 + data.length, crc32(out, p + 4, p + 8 + data.length));
    p += 12 + data.length;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard base64 of bytes (for `data:` URIs; no dependency on `btoa` or `Buffer`).
 * @example
 * ```ts
 * base64(new Uint8Array([77, 97, 110])); // 'TWFu'
 * ```
 */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[n >>> 18]! + B64[(n >>> 12) & 63]! + (i + 1 < bytes.length ? B64[(n >>> 6) & 63]! : '=') + (i + 2 < bytes.length ? B64[n & 63]! : '=');
  }
  return out;
}
