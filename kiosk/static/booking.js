// "Tôi đã đặt lịch": the booking's QR code read by the kiosk's scanner (it types the code and
// Enter into the focused field) or the code typed on large keys; then the booked ticket.
import { NetworkError, requestJSON } from "./net.js";
import { STRINGS } from "./strings.js";

// The letters and digits of booking codes (none that can be mistaken for another).
const CODE_KEYS = "ACDEFGHJKLMNPQRTUVWXY34679".split("");
const MAX_CODE = 16;
const $ = (id) => document.getElementById(id);

export function setUpBooking(host) {
  const field = $("booking-code");
  let isBusy = false;

  function open() {
    field.value = "";
    host.show("booking");
    field.focus();
  }

  function press(key) {
    host.armIdle?.();
    if (key === "erase") field.value = field.value.slice(0, -1);
    else if (field.value.length < MAX_CODE) field.value += key;
  }

  async function checkIn(event) {
    event.preventDefault();
    const code = field.value.trim().toUpperCase();
    if (!code || isBusy) return;
    isBusy = true;
    try {
      const answer = await requestJSON(`${host.officeApi}/check-ins`, {
        method: "POST", token: host.token(), body: { booking: code }, language: host.language(),
      });
      if (answer.status === 201 && answer.body) host.showTicket(answer.body);
      else if (answer.status === 401 || answer.status === 403) host.showUnpaired();
      else host.showMessage(answer.body?.error?.message || STRINGS[host.language()].failed);
    } catch (error) {
      if (!(error instanceof NetworkError)) console.error(error);
      host.showMessage(STRINGS[host.language()].networkFailed);
    } finally {
      isBusy = false;
    }
  }

  const keys = $("booking-keys");
  for (let start = 0; start < CODE_KEYS.length; start += 9) {
    const row = document.createElement("div");
    row.className = "lookup-row";
    for (const key of [...CODE_KEYS.slice(start, start + 9), ...(start + 9 >= CODE_KEYS.length ? ["erase"] : [])]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = key === "erase" ? "key key-erase" : "key";
      button.dataset.key = key;
      button.textContent = key === "erase" ? STRINGS.vi.bookingErase : key;
      button.addEventListener("click", () => press(key));
      row.appendChild(button);
    }
    keys.appendChild(row);
  }
  $("booking-button").addEventListener("click", open);
  $("booking-back").addEventListener("click", () => host.backToStart());
  $("booking-entry").addEventListener("submit", checkIn);

  return { reset() { field.value = ""; } };
}
