// Spoken calls, one at a time and in order: the server's WAV (chime then voice); the chime
// alone when the voice fails; the browser's own voice only when asked for (?voice=browser).
// What is said and shown comes from the server (the call's `announcement`); the screen follows
// this queue, so the number on the banner is always the one being spoken.

const GAP_MS = 700; // silence between two announcements
const BRIEF_GAP_MS = 250; // between two brief ones: the queue is long, keep it moving
const COLLECT_MS = 350; // calls made together are seen together, so all of them go brief
const MIN_SHOWN_MS = 3000; // a call stays on the banner at least this long, even unspoken
const MAX_QUEUE = 12;
const STALE_MS = 120000; // a call this old is no longer worth announcing
const PLAY_TIMEOUT_MS = 25000; // audio that neither ends nor fails is given up
const SEEN_LIMIT = 500;

export const VOICE_MODES = ["server", "browser", "chime", "off"];

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class Announcer {
  constructor({
    officeApi, chimeUrl, mode = "server", onBlocked = () => {}, onAnnounced = () => {},
    onStart = () => {}, onQueue = () => {}, onIdle = () => {},
  }) {
    this.officeApi = officeApi;
    this.chimeUrl = chimeUrl;
    this.mode = VOICE_MODES.includes(mode) ? mode : "server";
    this.onBlocked = onBlocked;
    this.onAnnounced = onAnnounced;
    this.onStart = onStart; // (call, {isBrief}): the banner shows it now
    this.onQueue = onQueue; // (calls): those still to be spoken, in order
    this.onIdle = onIdle; // nothing left to say
    this.audio = new Audio(); // one element for the page's whole life
    this.audio.preload = "auto";
    this.queue = [];
    this.arrivals = Promise.resolve(); // calls keep their order while their texts load
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
    const queuedAt = Date.now();
    this.arrivals = this.arrivals.then(() => this.withTexts(call)).then((ready) => {
      this.queue.push({ call: ready, queuedAt });
      while (this.queue.length > MAX_QUEUE) this.queue.shift();
      this.onQueue(this.pending());
      this.pump();
    });
  }

  pending() {
    return this.queue.map((item) => item.call);
  }

  // A call from the board's snapshot has no texts: the server gives them.
  async withTexts(call) {
    if (call.announcement) return call;
    try {
      const response = await fetch(`${this.announcementUrl(call, "")}&recall=${call.is_recall ? 1 : 0}`,
        { headers: { Accept: "application/json" } });
      if (response.ok) return { ...call, announcement: await response.json() };
    } catch {
      // Offline again: the number and counter still show.
    }
    return call;
  }

  // Called from a click or key press: browsers allow sound after a gesture.
  unlock() {
    this.isBlocked = false;
    this.pump();
  }

  async pump() {
    if (this.isBusy || this.isBlocked) return;
    this.isBusy = true;
    const fromIdle = !this.current;
    if (fromIdle && this.queue.length === 1) await sleep(COLLECT_MS);
    let item = this.queue.shift();
    while (item && Date.now() - item.queuedAt > STALE_MS) item = this.queue.shift();
    if (!item) {
      this.isBusy = false;
      this.current = null;
      this.onQueue([]);
      this.onIdle();
      return;
    }
    // Another call waits behind this one: say the number and the counter only.
    const isBrief = this.queue.length > 0 || Boolean(this.current && this.current.isBrief);
    this.current = { call: item.call, isBrief };
    this.onStart(item.call, { isBrief });
    this.onQueue(this.pending());
    const started = Date.now();
    try {
      await this.say(item.call, { isBrief, withChime: fromIdle });
      this.onAnnounced(item.call);
    } catch (error) {
      if (error && error.name === "NotAllowedError") {
        this.isBlocked = true;
        this.queue.unshift(item);
        this.onBlocked();
      }
    }
    await sleep(Math.max(0, MIN_SHOWN_MS - (Date.now() - started)));
    this.isBusy = false;
    if (this.isBlocked) return;
    if (!this.queue.length) this.current = null;
    setTimeout(() => this.pump(), this.queue.length && isBrief ? BRIEF_GAP_MS : GAP_MS);
  }

  async say(call, { isBrief = false, withChime = true } = {}) {
    if (this.mode === "off") return;
    if (this.mode === "chime") {
      await this.play(this.chimeUrl);
      return;
    }
    if (this.mode === "browser" && vietnameseVoice()) {
      if (withChime) await this.play(this.chimeUrl);
      await this.speak(call, isBrief);
      return;
    }
    try {
      // The brief WAV has no chime: the first of a burst still turns heads with one.
      if (isBrief && withChime) await this.play(this.chimeUrl);
      await this.play(this.announcementUrl(call, ".wav", isBrief));
    } catch (error) {
      if (error && error.name === "NotAllowedError") throw error;
      await this.play(this.chimeUrl); // no voice: the chime still turns heads to the screen
    }
  }

  announcementUrl(call, extension = ".wav", isBrief = false) {
    const query = `number=${encodeURIComponent(call.number)}&counter=${encodeURIComponent(call.counter)}`;
    return `${this.officeApi}/announcement${extension}?${query}${isBrief ? "&brief=1" : ""}`;
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

  async speak(call, isBrief) {
    const texts = call.announcement;
    if (!texts) return; // the server could not be asked: the chime has played
    await new Promise((resolve) => {
      const utterance = new SpeechSynthesisUtterance(isBrief ? texts.brief : texts.text);
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
