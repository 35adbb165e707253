// Sent back to complete (yêu cầu bổ sung): the officer ticks which of the procedure's documents
// are missing, by key. The dialog numbers them 1–9, 0, then letters; a key ticks or unticks,
// Enter saves, P saves and prints the slip, Esc leaves everything as it was.

import { element, format, request } from "./common.js";
import { documentsOf } from "./counter-procedure.js";

const $ = (id) => document.getElementById(id);
// "p" prints: never an item's key.
const ITEM_KEYS = [..."1234567890abcdefghijklmnoqrstuvwxyz"];
export const SUPPLEMENT = "supplement";

/** The missing documents box and its dialog; `host` gives the console's state and saving. */
export function missingDocuments(config, host) {
  const t = config.texts;
  const dialog = $("missing-dialog");
  let openFor = null; // the ticket code the dialog was opened for

  function render(ticket) {
    const shown = Boolean(ticket && ticket.procedure && ticket.outcome === SUPPLEMENT);
    $("missing-box").hidden = !shown;
    const missing = shown ? ticket.missing || [] : [];
    $("missing-list").replaceChildren(...missing.map((text) => element("li", "", text)));
    $("missing-empty").hidden = missing.length > 0;
    if (dialog.open && (!ticket || ticket.code !== openFor)) close();
  }

  /** Open the dialog for the current ticket (its procedure's documents, the ticked ones checked). */
  async function open() {
    const ticket = host.current();
    if (!ticket) return;
    if (!ticket.procedure) {
      host.showMessage(format(t.missing_no_procedure, { number: ticket.number }), "warning");
      return;
    }
    const documents = await documentsOf(ticket.procedure.code, config);
    const now = host.current();
    if (!now || now.code !== ticket.code || host.anyDialogOpen()) return; // moved on meanwhile
    const known = [...(documents || [])];
    for (const text of now.missing || []) if (!known.includes(text)) known.push(text);
    if (!known.length) {
      host.showMessage(t.missing_no_documents, "warning");
      return;
    }
    openFor = ticket.code;
    $("missing-dialog-title").textContent = format(t.missing_dialog_title, { number: ticket.number });
    $("missing-choices").replaceChildren(...known.map((text, index) => {
      const box = element("input");
      box.type = "checkbox";
      box.value = text;
      box.checked = (now.missing || []).includes(text);
      const label = element("label");
      const key = ITEM_KEYS[index];
      label.append(box, ...(key ? [element("kbd", "", key.toUpperCase())] : []), element("span", "", text));
      const item = element("li");
      item.append(label);
      return item;
    }));
    dialog.showModal();
    const first = dialog.querySelector("input");
    if (first) first.focus();
  }

  // Closed and unfocused at once, so the very next key (P, Enter) reaches the console.
  function close(reason = "cancel") {
    dialog.close(reason);
    if (dialog.contains(document.activeElement)) document.activeElement.blur();
  }

  function ticked() {
    return [...dialog.querySelectorAll("input[type=checkbox]")].filter((box) => box.checked)
      .map((box) => box.value);
  }

  async function save(andPrint) {
    const ticket = host.current();
    const missing = ticked();
    close("saved");
    if (!ticket || ticket.code !== openFor) return;
    // Ticking a missing document is sending the file back: the outcome comes with it.
    const change = missing.length ? { outcome: SUPPLEMENT, missing } : { missing: [] };
    if (!missing.length && !(ticket.missing || []).length) {
      if (andPrint) host.showMessage(t.missing_nothing_to_print, "warning");
      return;
    }
    const saved = await host.saveVisit(change);
    if (!saved) return;
    host.showMessage(format(t.missing_saved, { count: missing.length, number: ticket.number }), "info");
    if (andPrint) print();
  }

  /** Print the current ticket's missing documents on the slip printer. */
  async function print() {
    const ticket = host.current();
    if (!ticket) return;
    if (!(ticket.missing || []).length) {
      host.showMessage(t.missing_nothing_to_print, "warning");
      return;
    }
    await host.saving();
    try {
      const url = config.visit_api + encodeURIComponent(ticket.code) + config.missing_print_api;
      const result = await request("POST", url, { language: config.language });
      if (result.status === 201) {
        const outcome = result.data.print;
        host.showMessage(outcome.status === "queued"
          ? format(t.missing_printed, { printer: outcome.printer })
          : format(t.missing_print_problem, { printer: outcome.printer, reason: outcome.reason }),
        outcome.status === "queued" ? "info" : "warning");
      } else {
        host.showMessage((result.data && result.data.error && result.data.error.message) || t.server_error, "error");
      }
    } catch {
      host.showMessage(t.network_error, "error");
    }
  }

  function onKey(event) {
    // A closed dialog may keep the focus for a moment: its keys are the console's again.
    if (!dialog.open || event.ctrlKey || event.altKey || event.metaKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    // Keys the dialog answers stop here: closed by now, it must not pass them to the console.
    if (key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (key === "Enter") {
      // Enter on a dialog button keeps its own meaning (cancel stays cancel).
      if (event.target.closest && event.target.closest("button")) return;
      event.preventDefault();
      event.stopPropagation();
      save(false);
    } else if (key === "p") {
      event.preventDefault();
      event.stopPropagation();
      save(true);
    } else if (ITEM_KEYS.includes(key)) {
      event.preventDefault();
      event.stopPropagation();
      const box = dialog.querySelectorAll("input[type=checkbox]")[ITEM_KEYS.indexOf(key)];
      if (box && !event.repeat) {
        box.checked = !box.checked;
        box.focus();
      }
    }
  }

  $("missing-form").addEventListener("submit", (event) => {
    event.preventDefault();
    save(false);
  });
  $("missing-save-print").addEventListener("click", () => save(true));
  dialog.addEventListener("keydown", onKey);
  for (const button of dialog.querySelectorAll("[data-close]")) {
    button.addEventListener("click", () => close());
  }

  return { render, open, print };
}
