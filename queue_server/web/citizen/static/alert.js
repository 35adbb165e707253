// A chime made by the phone itself (no sound file to download) and a vibration, where allowed.
// Browsers let a page make sound only after a tap: `unlock` is called from one.

let context = null;

function audioContext() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  if (!context) {
    try { context = new Context(); } catch { return null; }
  }
  return context;
}

// Whether the page may already sound without a tap (some browsers allow it).
export function canSound() {
  const ctx = audioContext();
  return Boolean(ctx && ctx.state === "running");
}

// Called from a tap: lets the page sound from now on, and keeps the screen awake if it can.
export async function unlock() {
  const ctx = audioContext();
  if (ctx && ctx.state !== "running") {
    try { await ctx.resume(); } catch { /* stays silent; vibration still works */ }
  }
  try { await navigator.wakeLock?.request("screen"); } catch { /* not offered over plain HTTP */ }
  tone(ctx, 660, 0, 0.15);
  return canSound();
}

function tone(ctx, frequency, start, length) {
  if (!ctx || ctx.state !== "running") return false;
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  const at = ctx.currentTime + start;
  oscillator.type = "sine";
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(at);
  oscillator.stop(at + length + 0.05);
  return true;
}

// Three rising two-note chimes; true when sound was played.
export function chime() {
  const ctx = audioContext();
  let played = false;
  for (let round = 0; round < 3; round += 1) {
    played = tone(ctx, 784, round * 1.2, 0.5) || played;
    tone(ctx, 1047, round * 1.2 + 0.45, 0.7);
  }
  return played;
}

export function vibrate(pattern) {
  try { return Boolean(navigator.vibrate && navigator.vibrate(pattern)); } catch { return false; }
}
