// "Tôi đã đặt lịch": the booking's QR code read by the kiosk's scanner (it types the code and
// Enter into the focused field), the code typed on large keys, or the citizen ID card when the
// booking was made with the ID number; then the booked ticket.
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
    if (code) await send({ booking: code });
  }

  // The booking found by the citizen ID card (when it was booked with the ID number).
  async function checkInByCard(text) {
    field.value = "";
    await send({ citizen_id_qr: text }, STRINGS[host.language()].cardNoBooking);
  }

  async function send(body, notFound = null) {
    if (isBusy) return;
    isBusy = true;
    try {
      const answer = await requestJSON(`${host.officeApi}/check-ins`, {
        method: "POST", token: host.token(), body, language: host.language(),
      });
      if (answer.status === 201 && answer.body) host.showTicket(answer.body);
      else if (answer.status === 401 || answer.status === 403) host.showUnpaired();
      else if (answer.status === 404 && notFound) host.showMessage(notFound);
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

  return { reset() { field.value = ""; }, checkInByCard };
}
