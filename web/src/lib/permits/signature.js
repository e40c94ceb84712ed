// Signature pad helpers: pointer positions → canvas coordinates, strokes → a drawing, and the
// canvas PNG data URL → the base64 the API wants (signature.kind "image").

// Event client position → canvas pixel coordinates (the canvas is scaled by devicePixelRatio).
export function toCanvasPoint(clientX, clientY, rect, canvasWidth, canvasHeight) {
  const sx = rect.width ? canvasWidth / rect.width : 1;
  const sy = rect.height ? canvasHeight / rect.height : 1;
  return { x: Math.round((clientX - rect.left) * sx * 10) / 10, y: Math.round((clientY - rect.top) * sy * 10) / 10 };
}

// A signature counts when its strokes cover some ink: at least `minPoints` points in total and a
// bounding box of at least `minSpan` px in one direction (a stray tap is not a signature).
export function hasInk(strokes, minPoints = 5, minSpan = 12) {
  let n = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const s of strokes || []) {
    for (const p of s) {
      n += 1;
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x);
      maxY = Math.max(maxY, p.y);
    }
  }
  if (n < minPoints) return false;
  return maxX - minX >= minSpan || maxY - minY >= minSpan;
}

// "data:image/png;base64,AAAA" → "AAAA"; anything that is not a PNG data URL → null.
export function pngBase64(dataUrl) {
  if (typeof dataUrl !== 'string') return null;
  const m = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  return m ? m[1] : null;
}

// Draw strokes on a 2D context (used on redraw after resize).
export function drawStrokes(ctx, strokes, width = 2.5, color = '#111') {
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = color;
  for (const s of strokes || []) {
    if (!s.length) continue;
    ctx.beginPath();
    ctx.moveTo(s[0].x, s[0].y);
    if (s.length === 1) ctx.lineTo(s[0].x + 0.1, s[0].y + 0.1);
    for (let i = 1; i < s.length; i++) ctx.lineTo(s[i].x, s[i].y);
    ctx.stroke();
  }
}

// Signature body for approve / reject / return / acceptance.
export function signatureBody(mode, { password, imageDataUrl } = {}) {
  if (mode === 'password') return password ? { kind: 'password', password } : null;
  const b64 = pngBase64(imageDataUrl);
  return b64 ? { kind: 'image', image_png_base64: b64 } : null;
}

// Browser geolocation → {lat, lng} or null, never rejecting (2.5 s budget).
export function locate(geo = globalThis.navigator && globalThis.navigator.geolocation, timeout = 2500) {
  return new Promise((resolve) => {
    if (!geo || !geo.getCurrentPosition) {
      resolve(null);
      return;
    }
    const timer = setTimeout(() => resolve(null), timeout + 200);
    try {
      geo.getCurrentPosition(
        (pos) => {
          clearTimeout(timer);
          resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude });
        },
        () => {
          clearTimeout(timer);
          resolve(null);
        },
        { timeout, maximumAge: 60000 },
      );
    } catch {
      clearTimeout(timer);
      resolve(null);
    }
  });
}
