// "Send me a message": the citizen gives a mobile number on the ticket page and chooses Zalo or
// SMS, under the office's consent text (the same words the server records with the number).
import { STRINGS } from "./strings.js";

const $ = (id) => document.getElementById(id);
// 0912 345 678, +84 912 345 678: the server checks it for real; this only enables the button.
const LOOKS_LIKE_A_MOBILE = /^(\+?84|0)[35789]\d{8}$/;

export class NotifyForm {
  constructor(options, url, language) {
    this.options = options || { channels: [] };
    this.url = url;
    this.language = language;
    this.channel = this.options.channels[0] ?? null;
    this.isDone = Boolean(this.options.has_number);
    this.doneText = "";
    this.isBusy = false;
    this.isOffered = false;
    $("notify-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    $("notify-phone").addEventListener("input", () => this.render());
    for (const button of document.querySelectorAll("#notify-channels .channel-button")) {
      button.addEventListener("click", () => {
        this.channel = button.dataset.channel;
        this.render();
      });
    }
  }

  render(language = this.language(), isOffered = this.isOffered) {
    this.isOffered = isOffered;
    const strings = STRINGS[language];
    const channels = this.options.channels;
    $("notify").hidden = channels.length === 0 || (!isOffered && !this.doneText)
      || (this.isDone && !this.doneText);
    $("notify-form").hidden = this.isDone;
    $("notify-done").hidden = !this.doneText;
    $("notify-done").textContent = this.doneText;
    $("notify-channels").hidden = channels.length < 2;
    for (const button of document.querySelectorAll("#notify-channels .channel-button")) {
      button.hidden = !channels.includes(button.dataset.channel);
      button.setAttribute("aria-checked", String(button.dataset.channel === this.channel));
    }
    $("notify-consent").textContent = $("notify").hidden ? ""
      : this.options.consent_texts?.[language] ?? "";
    const digits = $("notify-phone").value.replace(/[\s.\-()]/g, "");
    $("notify-send").disabled = this.isBusy || !LOOKS_LIKE_A_MOBILE.test(digits);
    $("notify-send").textContent = this.isBusy ? strings.notifySending : strings.notifySend;
  }

  async send() {
    const strings = STRINGS[this.language()];
    this.isBusy = true;
    $("notify-error").hidden = true;
    this.render();
    const body = { phone: $("notify-phone").value, consent: true,
      consent_version: this.options.consent_version };
    if (this.channel) body.channel = this.channel;
    try {
      const response = await fetch(this.url, {
        method: "POST", cache: "no-store", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json",
          "Accept-Language": this.language() },
      });
      const answer = await response.json().catch(() => null);
      if (response.status === 201 || response.status === 200) {
        this.isDone = true;
        $("notify-phone").value = ""; // not kept on the page
        this.doneText = this.channel === "zalo" ? strings.notifyDoneZalo : strings.notifyDoneSms;
      } else {
        this.showError(answer?.error?.message || strings.notifyFailed);
      }
    } catch {
      this.showError(strings.notifyFailed);
    } finally {
      this.isBusy = false;
      this.render();
    }
  }

  showError(text) {
    $("notify-error").textContent = text;
    $("notify-error").hidden = false;
  }
}
