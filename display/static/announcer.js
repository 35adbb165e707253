// Spoken calls, one at a time and in order: the server's WAV (chime then voice); the chime
// alone when the voice fails; the browser's own voice only when asked for (?voice=browser).

const GAP_MS = 700; // silence between two announcements
const MAX_QUEUE = 12;
const STALE_MS = 120000; // a call this old is no longer worth announcing
const PLAY_TIMEOUT_MS = 25000; // audio that neither ends nor fails is given up
const SEEN_LIMIT = 500;

export const VOICE_MODES = ["server", "browser", "chime", "off"];

export class Announcer {
  constructor({ officeApi, chimeUrl, mode = "server", onBlocked = () => {}, onAnnounced = () => {} }) {
    this.officeApi = officeApi;
    this.chimeUrl = chimeUrl;
    this.mode = VOICE_MODES.includes(mode) ? mode : "server";
    this.onBlocked = onBlocked;
    this.onAnnounced = onAnnounced;
    this.audio = new Audio(); // one element for the page's whole life
    this.audio.preload = "auto";
    this.queue = [];
    this.isBusy = false;
    this.isBlocked = false;
    this.seenIds = new Set();
    this.seenOrder = [];
  }

  hasSeen(callId) {
    return this.seenIds.has(callId);
  }

  // Remember a call id (bounded), so a call is announced once however often it is received.
  remember(callId) {
    if (this.seenIds.has(callId)) return;
    this.seenIds.add(callId);
    this.seenOrder.push(callId);
    while (this.seenOrder.length > SEEN_LIMIT) this.seenIds.delete(this.seenOrder.shift());
  }

  enqueue(call) {
    this.queue.push({ call, queuedAt: Date.now() });
    while (this.queue.length > MAX_QUEUE) this.queue.shift();
    this.pump();
  }

  // Called from a click or key press: browsers allow sound after a gesture.
  unlock() {
    this.isBlocked = false;
    this.pump();
  }

  async pump() {
    if (this.isBusy || this.isBlocked) return;
    let item = this.queue.shift();
    while (item && Date.now() - item.queuedAt > STALE_MS) item = this.queue.shift();
    if (!item) return;
    this.isBusy = true;
    try {
      await this.say(item.call);
      this.onAnnounced(item.call);
    } catch (error) {
      if (error && error.name === "NotAllowedError") {
        this.isBlocked = true;
        this.queue.unshift(item);
        this.onBlocked();
      }
    } finally {
      this.isBusy = false;
    }
    if (!this.isBlocked) setTimeout(() => this.pump(), GAP_MS);
  }

  async say(call) {
    if (this.mode === "off") return;
    if (this.mode === "chime") {
      await this.play(this.chimeUrl);
      return;
    }
    if (this.mode === "browser" && vietnameseVoice()) {
      await this.play(this.chimeUrl);
      await this.speak(call);
      return;
    }
    try {
      await this.play(this.announcementUrl(call));
    } catch (error) {
      if (error && error.name === "NotAllowedError") throw error;
      await this.play(this.chimeUrl); // no voice: the chime still turns heads to the screen
    }
  }

  announcementUrl(call, extension = ".wav") {
    const query = `number=${encodeURIComponent(call.number)}&counter=${encodeURIComponent(call.counter)}`;
    return `${this.officeApi}/announcement${extension}?${query}`;
  }

  // Play one URL to its end; rejects when it cannot load or the browser refuses to play.
  play(url) {
    const audio = this.audio;
    return new Promise((resolve, reject) => {
      let isSettled = false;
      const settle = (callback, value) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        audio.onended = null;
        audio.onerror = null;
        callback(value);
      };
      const timer = setTimeout(() => { audio.pause(); settle(resolve); }, PLAY_TIMEOUT_MS);
      audio.onended = () => settle(resolve);
      audio.onerror = () => settle(reject, new Error(`cannot play ${url}`));
      audio.src = url;
      const playing = audio.play();
      if (playing) playing.catch((error) => settle(reject, error));
    });
  }

  async speak(call) {
    const response = await fetch(this.announcementUrl(call, ""), { headers: { Accept: "application/json" } });
    const text = response.ok ? (await response.json()).text : `Mời công dân có số ${call.number} đến quầy số ${call.counter}`;
    await new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "vi-VN";
      const voice = vietnameseVoice();
      if (typeof SpeechSynthesisVoice !== "undefined" && voice instanceof SpeechSynthesisVoice) {
        utterance.voice = voice;
      }
      utterance.rate = 0.9;
      const timer = setTimeout(resolve, PLAY_TIMEOUT_MS);
      utterance.onend = utterance.onerror = () => { clearTimeout(timer); resolve(); };
      window.speechSynthesis.speak(utterance);
    });
  }
}

function vietnameseVoice() {
  if (!("speechSynthesis" in window)) return null;
  return window.speechSynthesis.getVoices().find((voice) => voice.lang.toLowerCase().startsWith("vi")) || null;
}
