// The citizen ID card read by a USB 2D scanner: it "types" the QR code's text and Enter. A burst
// of keystrokes faster than a person types, ending with Enter and holding "|", is a card; it is
// kept in this module's memory only (never in the page, never in storage), handed over once,
// then forgotten. Other fast bursts (a booking's QR code) go to the focused field as typed.

const FAST_MS = 50; // a person types slower than one key every 50 ms; a scanner much faster
const RUN_MS = 400; // keys further apart belong to different runs
const MIN_CARD_CHARS = 30; // 12 + 8 + 8 digits and six "|" at least

// The card's fields, read on the kiosk only for the greeting; the server reads it again.
export function readCard(text) {
  const fields = text.split("|").map((field) => field.trim());
  if (fields.length < 7 || !/^\d{12}$/.test(fields[0])) return null;
  const match = /^(\d{2})(\d{2})(\d{4})$/.exec(fields[3]);
  if (!match || !fields[2]) return null;
  const [, day, month, year] = match.map(Number);
  return { fullName: fields[2], birth: { day, month, year }, sex: fields[4] };
}

export function ageOn(birth, today) {
  const beforeBirthday = today.getMonth() + 1 < birth.month
    || (today.getMonth() + 1 === birth.month && today.getDate() < birth.day);
  return today.getFullYear() - birth.year - (beforeBirthday ? 1 : 0);
}

// ông/bà from 40, anh/chị below; "công dân" when the card's sex is neither Nam nor Nữ.
export const FORMAL_FROM_AGE = 40;
export function addressKey(sex, age) {
  const normal = (sex || "").normalize("NFC").trim().toLowerCase();
  const isMale = normal === "nam";
  const isFemale = normal === "nữ" || normal === "nu";
  if (!isMale && !isFemale) return "addressNeutral";
  if (age >= FORMAL_FROM_AGE) return isMale ? "addressOng" : "addressBa";
  return isMale ? "addressAnh" : "addressChi";
}

// The given name is the last word of the full name (Nguyễn Văn Bình → Bình).
export const givenName = (fullName) => fullName.trim().split(/\s+/).pop() || "";

// Listens to the whole page; onCard(text) receives each card read. Keys closer than RUN_MS
// form a run; a run ended by Enter is a card when it holds "|", is long enough and came at
// scanner speed (the median gap: the first keys of a scanner may straggle). Keys after a fast gap
// never reach the page; what the first ones typed into a field is taken back.
export function listenForCards(onCard) {
  let run = []; // {key, at}
  let target = null; // the field focused when the run began, and its value before it
  let valueBefore = "";
  let isHeld = false; // some key of the run was kept from the page
  let stallTimer = null;

  const isField = (element) => element instanceof HTMLInputElement
    || element instanceof HTMLTextAreaElement;
  // The median gap: a scanner's stray slow key (a busy machine) does not make it a person.
  const medianGap = () => {
    if (run.length < 2) return Infinity;
    const gaps = run.slice(1).map((item, index) => item.at - run[index].at).sort((a, b) => a - b);
    return gaps[Math.floor(gaps.length / 2)];
  };

  function reset() {
    clearTimeout(stallTimer);
    run = [];
    target = null;
    isHeld = false;
  }

  // A run that ends: a card goes to onCard; another fast code goes to its field after all.
  function finish(withEnter) {
    const text = run.map((item) => item.key).join("");
    const isCardLike = text.includes("|") && medianGap() < FAST_MS;
    const field = target;
    const wasHeld = isHeld;
    reset();
    if (isCardLike) {
      if (field) field.value = valueBefore;
      if (withEnter && text.length >= MIN_CARD_CHARS) onCard(text);
      return true; // a card, or a broken one: nothing of it stays in the page
    }
    if (wasHeld && field) {
      field.value = valueBefore + text;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
    return false;
  }

  document.addEventListener("keydown", (event) => {
    const now = performance.now();
    const gap = run.length ? now - run[run.length - 1].at : Infinity;
    if (event.key === "Enter") {
      if (run.length > 1 && gap < RUN_MS && finish(true)) {
        event.preventDefault();
        event.stopPropagation();
      } else {
        reset();
      }
      return;
    }
    if (event.key.length !== 1 || event.ctrlKey || event.altKey || event.metaKey) return;
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => finish(false), RUN_MS);
    if (gap >= RUN_MS) {
      reset();
      target = isField(document.activeElement) ? document.activeElement : null;
      valueBefore = target ? target.value : "";
    }
    run.push({ key: event.key, at: now });
    if (gap < FAST_MS) { // a scanner: this key never reaches the page
      event.preventDefault();
      event.stopPropagation();
      isHeld = true;
    }
  }, true);
}
