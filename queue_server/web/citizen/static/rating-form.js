// The rating form shared by the ticket page and the counter's tablet: the office's form (five
// or three levels, its questions, each tied to a criterion of the provincial survey), reasons
// and a comment below the satisfied levels, how many visits; it sends through the caller's
// `submit`. A tap on a level is the answer: the rest is optional, and the caller sends a
// choice left unsent (`sendPending`) when the citizen walks away.
import { STRINGS } from "./strings.js";

// The built-in form: five levels, no questions.
export const DEFAULT_FORM = { levels: 5, labels: [], questions: [] };
const REASONS = ["officer_attitude", "waiting_time", "procedure_unclear", "asked_to_come_back",
  "facilities", "other"];
const VISITS = ["first", "second", "three_or_more"];
const MAX_COMMENT = 500;

const make = (tag, className, attributes = {}) => Object.assign(document.createElement(tag),
  { className }, attributes);

// The lowest satisfied level: the top two of five, the top one of three (as the server counts).
const satisfiedFrom = (levels) => Math.floor((levels + 3) / 2);
// A three-level form's colours: its top, middle and lowest level as the five-level ones.
const tone = (levels, level) => (levels === 3 ? { 3: 5, 2: 3, 1: 1 }[level] : level);

export class RatingForm {
  // submit(body) resolves to "sent", "already", "too_many" or "failed".
  constructor(container, {
    submit, onInteract = () => {}, onChange = () => {}, onDone = () => {}, onFailed = () => {},
  }) {
    this.container = container;
    this.submit = submit;
    this.onInteract = onInteract;
    this.onChange = onChange; // a level was tapped
    this.onDone = onDone;
    this.onFailed = onFailed;
    this.language = "vi";
    this.form = DEFAULT_FORM;
    this.build();
    this.reset();
    container.addEventListener("pointerdown", () => this.onInteract(), { passive: true });
    container.addEventListener("input", () => this.onInteract());
  }

  build() {
    this.title = make("h2", "rating-title");
    this.levels = make("div", "levels", { role: "group" });
    this.questionsBox = make("div", "form-questions");
    this.reasonsBox = make("fieldset", "reasons");
    this.reasonsTitle = make("legend", "question");
    this.reasonsBox.append(this.reasonsTitle);
    this.reasonInputs = REASONS.map((reason) => {
      const label = make("label", "reason");
      const input = make("input", "", { type: "checkbox", value: reason });
      label.append(input, make("span", "reason-text"));
      this.reasonsBox.append(label);
      return input;
    });
    this.commentLabel = make("label", "comment");
    this.commentText = make("span", "question");
    this.comment = make("textarea", "", { maxLength: MAX_COMMENT, rows: 3 });
    this.commentLabel.append(this.commentText, this.comment);
    this.visitsBox = make("div", "visits-box", { role: "group" });
    this.visitsTitle = make("p", "question");
    this.visitButtons = VISITS.map((visits) => {
      const button = make("button", "visit", { type: "button" });
      button.dataset.visits = visits;
      button.addEventListener("click", () => this.chooseVisits(visits));
      return button;
    });
    const visitRow = make("div", "visit-row");
    visitRow.append(...this.visitButtons);
    this.visitsBox.append(this.visitsTitle, visitRow);
    this.sendButton = make("button", "send", { type: "button" });
    this.sendButton.addEventListener("click", () => this.send());
    this.message = make("p", "form-message", { role: "status" });
    this.container.replaceChildren(this.title, this.levels, this.questionsBox, this.reasonsBox,
      this.commentLabel, this.visitsBox, this.sendButton, this.message);
    this.buildForm();
  }

  // The office's form: its levels, highest first, and one row of levels per question.
  setForm(form) {
    const next = form && (form.levels === 3 || form.levels === 5) ? form : DEFAULT_FORM;
    if (JSON.stringify(next) === JSON.stringify(this.form)) return;
    this.form = next;
    this.buildForm();
    this.reset();
  }

  buildForm() {
    const { levels, questions } = this.form;
    const order = Array.from({ length: levels }, (_, index) => levels - index);
    this.levels.dataset.levels = String(levels);
    this.levelButtons = order.map((level) => {
      const button = make("button", `level level-${tone(levels, level)}`, { type: "button" });
      button.dataset.rating = String(level);
      button.addEventListener("click", () => this.choose(level));
      return button;
    });
    this.levels.replaceChildren(...this.levelButtons);
    this.questionRows = questions.map((question) => {
      const row = make("div", "form-question", { role: "group" });
      row.dataset.question = question.code;
      const text = make("p", "question", { textContent: question.text });
      const buttons = order.map((level) => {
        const button = make("button", `answer level-${tone(levels, level)}`, { type: "button" });
        button.dataset.level = String(level);
        button.addEventListener("click", () => this.answer(question.code, level));
        return button;
      });
      const choices = make("div", "answer-row");
      choices.append(...buttons);
      row.setAttribute("aria-label", question.text);
      row.append(text, choices);
      return { code: question.code, row, buttons };
    });
    this.questionsBox.replaceChildren(...this.questionRows.map((question) => question.row));
  }

  levelName(level) {
    const { levels, labels } = this.form;
    if (labels && labels.length === levels) return labels[level - 1];
    return STRINGS[this.language].levels[levels === 3 ? `3/${level}` : level];
  }

  isLow() {
    return this.rating !== null && this.rating < satisfiedFrom(this.form.levels);
  }

  answer(code, level) {
    this.answers[code] = this.answers[code] === level ? undefined : level;
    if (this.answers[code] === undefined) delete this.answers[code];
    this.render();
    this.onChange(this.rating);
  }

  reset() {
    this.rating = null;
    this.answers = {};
    this.visits = null;
    this.isSending = false;
    this.isDone = false;
    for (const input of this.reasonInputs) input.checked = false;
    this.comment.value = "";
    this.message.textContent = "";
    this.render();
  }

  setLanguage(language) {
    this.language = language;
    this.render();
  }

  choose(level) {
    this.rating = level;
    if (!this.isLow()) {
      for (const input of this.reasonInputs) input.checked = false;
    }
    this.message.textContent = "";
    this.render();
    this.onChange(level);
  }

  chooseVisits(visits) {
    this.visits = this.visits === visits ? null : visits;
    this.render();
  }

  render() {
    const strings = STRINGS[this.language];
    this.title.textContent = strings.ratingTitle;
    this.levels.setAttribute("aria-label", strings.ratingTitle);
    for (const button of this.levelButtons) {
      button.textContent = this.levelName(Number(button.dataset.rating));
      button.setAttribute("aria-pressed", String(Number(button.dataset.rating) === this.rating));
    }
    this.questionsBox.hidden = this.rating === null || this.questionRows.length === 0;
    for (const question of this.questionRows) {
      for (const button of question.buttons) {
        const level = Number(button.dataset.level);
        button.textContent = this.levelName(level);
        button.setAttribute("aria-pressed", String(this.answers[question.code] === level));
      }
    }
    const isLow = this.isLow();
    this.reasonsBox.hidden = !isLow;
    this.commentLabel.hidden = !isLow;
    this.reasonsTitle.textContent = strings.reasonsTitle;
    this.reasonInputs.forEach((input) => {
      input.nextElementSibling.textContent = strings.reasons[input.value];
    });
    this.commentText.textContent = strings.commentLabel;
    this.visitsBox.hidden = this.rating === null;
    this.visitsTitle.textContent = strings.visitsTitle;
    this.visitsBox.setAttribute("aria-label", strings.visitsTitle);
    for (const button of this.visitButtons) {
      button.textContent = strings.visits[button.dataset.visits];
      button.setAttribute("aria-pressed", String(button.dataset.visits === this.visits));
    }
    this.sendButton.hidden = this.rating === null;
    this.sendButton.disabled = this.isSending;
    this.sendButton.textContent = this.isSending ? strings.sending : strings.send;
  }

  body() {
    const body = { rating: this.rating };
    if (Object.keys(this.answers).length) body.answers = { ...this.answers };
    if (this.isLow()) {
      const reasons = this.reasonInputs.filter((input) => input.checked).map((input) => input.value);
      if (reasons.length) body.reasons = reasons;
      const comment = this.comment.value.trim();
      if (comment) body.comment = comment.slice(0, MAX_COMMENT);
    }
    if (this.visits) body.visits = this.visits;
    return body;
  }

  // Whether a level was tapped and not yet sent.
  hasPending() {
    return this.rating !== null && !this.isDone;
  }

  // Send the tapped level with whatever else was answered; nothing when nothing was tapped.
  sendPending() {
    if (this.hasPending()) this.send();
  }

  async send() {
    if (this.rating === null || this.isSending || this.isDone) return;
    this.isSending = true;
    this.render();
    let outcome = "failed";
    try {
      outcome = await this.submit(this.body());
    } finally {
      this.isSending = false;
      this.render();
    }
    const strings = STRINGS[this.language];
    if (outcome === "sent" || outcome === "already") {
      this.isDone = true;
      this.onDone(outcome);
    } else {
      this.message.textContent = outcome === "too_many" ? strings.tooMany : strings.sendFailed;
      this.onFailed(outcome);
    }
  }
}

// POST the rating; the outcome as RatingForm expects it.
export async function postRating(url, body, token) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    // keepalive: a choice sent as the page closes still arrives.
    const response = await fetch(url, {
      method: "POST", headers, body: JSON.stringify(body), cache: "no-store", keepalive: true,
    });
    if (response.status === 201) return "sent";
    if (response.status === 409) {
      const answer = await response.json().catch(() => null);
      return answer?.error?.code === "already_rated" ? "already" : "failed";
    }
    return response.status === 429 ? "too_many" : "failed";
  } catch {
    return "failed";
  }
}
