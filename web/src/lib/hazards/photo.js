// Photos taken on the phone are compressed in the browser before upload: scaled so the longer
// side is at most MAX_SIDE and re-encoded as JPEG.

export const MAX_SIDE = 1600;
export const QUALITY = 0.8;

// Target size for an image of w×h so the longer side is ≤ max (never upscaled).
export function fitWithin(w, h, max = MAX_SIDE) {
  if (!(w > 0) || !(h > 0)) return { width: 0, height: 0 };
  const scale = Math.min(1, max / Math.max(w, h));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

// File/Blob → compressed JPEG Blob (browser only).
export async function compressImage(file, max = MAX_SIDE, quality = QUALITY) {
  const url = URL.createObjectURL(file);
  try {
    const img = await new Promise((resolve, reject) => {
      const i = new Image();
      i.onload = () => resolve(i);
      i.onerror = () => reject(new Error('not an image'));
      i.src = url;
    });
    const { width, height } = fitWithin(img.naturalWidth, img.naturalHeight, max);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (!blob) throw new Error('compression failed');
    return blob;
  } finally {
    URL.revokeObjectURL(url);
  }
}
