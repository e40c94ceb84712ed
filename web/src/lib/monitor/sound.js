// Alarm sound and vibration for the alarm feed: a short Web Audio beep (no audio files) and
// navigator.vibrate when present, with a mute switch remembered in localStorage.

export const MUTE_KEY = 'anguan.alarmMuted';

export function isMuted(storage = globalThis.localStorage) {
  try {
    return !!storage && storage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function setMuted(muted, storage = globalThis.localStorage) {
  try {
    if (!storage) return;
    if (muted) storage.setItem(MUTE_KEY, '1');
    else storage.removeItem(MUTE_KEY);
  } catch {
    /* private mode */
  }
}

// Three short 880 Hz beeps, 0.15 s each, 0.1 s apart. Returns the end time, or null without audio.
export function beep(ctx, { freq = 880, count = 3, length = 0.15, gap = 0.1, volume = 0.3 } = {}) {
  if (!ctx || typeof ctx.createOscillator !== 'function') return null;
  let t = ctx.currentTime || 0;
  for (let i = 0; i < count; i++) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = freq;
    gain.gain.value = volume;
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(t);
    osc.stop(t + length);
    t += length + gap;
  }
  return t;
}

export const VIBRATE_PATTERN = [300, 100, 300, 100, 300];

// One alerter per page. Browsers start audio only after a user gesture, so the page calls unlock()
// from its first tap; ring() before that only vibrates.
export function createAlerter({ AudioContextImpl = globalThis.AudioContext || globalThis.webkitAudioContext, nav = globalThis.navigator, storage = globalThis.localStorage } = {}) {
  let ctx = null;
  return {
    unlock() {
      if (!ctx && AudioContextImpl) {
        try {
          ctx = new AudioContextImpl();
        } catch {
          ctx = null;
        }
      }
      if (ctx && ctx.state === 'suspended' && ctx.resume) ctx.resume().catch(() => {});
      return !!ctx;
    },
    // Returns what it did: {sound, vibrate}.
    ring() {
      const done = { sound: false, vibrate: false };
      if (isMuted(storage)) return done;
      if (ctx) done.sound = beep(ctx) !== null;
      if (nav && typeof nav.vibrate === 'function') {
        try {
          done.vibrate = nav.vibrate(VIBRATE_PATTERN) !== false;
        } catch {
          done.vibrate = false;
        }
      }
      return done;
    },
    close() {
      if (ctx && ctx.close) ctx.close().catch(() => {});
      ctx = null;
    },
  };
}
