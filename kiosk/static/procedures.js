// The kiosk's procedure lookup ("Tra cứu thủ tục"): search with an on-screen keyboard (no
// diacritics needed) or browse by field; a procedure's documents as a large checklist, its
// time, fees, counters and current wait; then take a number for it or print the checklist.
import { NetworkError, requestJSON } from "./net.js";
import { STRINGS, waitText } from "./strings.js";

const SEARCH_DEBOUNCE_MS = 250;
const FIELDS_EVERY_MS = 10 * 60000; // the catalogue changes by import, a few times a year
// Vietnamese letters that have their own key; tone marks are optional, searches ignore them.
const KEY_ROWS = [
  ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"],
  ["q", "w", "e", "r", "t", "y", "u", "i", "o", "p"],
  ["a", "s", "d", "f", "g", "h", "j", "k", "l", "đ"],
  ["z", "x", "c", "v", "b", "n", "m", "ă", "â", "ê"],
  ["ô", "ơ", "ư", "space", "erase", "clear"],
];
const MAX_QUERY = 60;

const $ = (id) => document.getElementById(id);

// host: what the kiosk lends this module (its screens, its issuing, its state).
export function setUpProcedures(host) {
  const state = {
    fields: [], query: "", field: null, results: [], procedure: null, ticked: new Set(),
    searchTimer: null, searchSerial: 0,
  };
  const texts = () => STRINGS[host.language()];
  const api = (path, options = {}) => requestJSON(`${host.officeApi}${path}`,
    { language: host.language(), ...options });

  // ---- the start screen's button ----

  async function loadFields() {
    try {
      const answer = await api("/procedure-fields");
      if (answer.status === 200 && Array.isArray(answer.body)) state.fields = answer.body;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error; // the next load asks again
    }
    renderButton();
  }

  function renderButton() {
    $("procedures-button").hidden = state.fields.length === 0;
  }

  // ---- the lookup screen ----

  function open() {
    state.query = "";
    state.field = null;
    state.results = [];
    host.show("procedures");
    renderQuery();
    renderResults();
    host.armIdle();
    loadFields().then(renderResults);
  }

  function buildKeyboard() {
    const keyboard = $("procedures-keyboard");
    keyboard.replaceChildren(...KEY_ROWS.map((row) => {
      const line = document.createElement("div");
      line.className = "key-row";
      line.append(...row.map((key) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = `letter-key letter-key-${key.length > 1 ? key : "char"}`;
        button.dataset.key = key;
        if (key.length > 1) button.dataset.text = { space: "space", erase: "erase", clear: "clear" }[key];
        button.textContent = key.length > 1 ? texts()[button.dataset.text] : key.toUpperCase();
        button.addEventListener("click", () => press(key));
        return button;
      }));
      return line;
    }));
  }

  function press(key) {
    if (key === "erase") state.query = state.query.slice(0, -1);
    else if (key === "clear") state.query = "";
    else if (key === "space") state.query = state.query && !state.query.endsWith(" ") ? `${state.query} ` : state.query;
    else if (state.query.length < MAX_QUERY) state.query += key;
    renderQuery();
    scheduleSearch();
    host.armIdle();
  }

  // A keyboard plugged in for staff works as well as the screen's.
  function onKeydown(event) {
    if (host.screen() !== "procedures" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Backspace") press("erase");
    else if (event.key === "Escape") press("clear");
    else if (event.key === " ") press("space");
    else if (event.key.length === 1 && /[\p{L}\p{N}.]/u.test(event.key)) press(event.key.toLowerCase());
    else return;
    event.preventDefault();
  }

  function renderQuery() {
    $("procedures-query").value = state.query;
  }

  function scheduleSearch() {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(search, SEARCH_DEBOUNCE_MS);
  }

  async function search() {
    const query = state.query.trim();
    if (!query && !state.field) {
      state.results = [];
      renderResults();
      return;
    }
    const serial = ++state.searchSerial; // an older answer arriving late is dropped
    const parameters = new URLSearchParams();
    if (query) parameters.set("q", query);
    if (state.field) parameters.set("field", state.field);
    try {
      const answer = await api(`/procedures?${parameters}`);
      if (serial !== state.searchSerial) return;
      state.results = answer.status === 200 && Array.isArray(answer.body) ? answer.body : [];
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      state.results = [];
    }
    renderResults();
  }

  function chooseField(name) {
    state.field = name;
    host.armIdle();
    search();
  }

  function renderResults() {
    const strings = texts();
    const isBrowsing = !state.query.trim() && !state.field;
    const list = $("procedures-list");
    $("procedures-heading").textContent = isBrowsing ? strings.proceduresFields
      : state.field ? strings.proceduresInField.replace("{field}", state.field) : "";
    if (isBrowsing) {
      list.replaceChildren(...state.fields.map((field) => resultButton(
        "field-button", field.name, strings.proceduresCount.replace("{count}", field.count),
        () => chooseField(field.name))));
    } else {
      const buttons = state.results.map((procedure) => resultButton(
        "procedure-result", procedure.name, procedure.field, () => openProcedure(procedure.code)));
      if (state.field) {
        buttons.unshift(resultButton("field-button all-fields", strings.allFields, "", () => {
          state.field = null;
          search();
        }));
      }
      list.replaceChildren(...buttons);
    }
    $("procedures-empty").hidden = isBrowsing || state.results.length > 0;
    list.scrollTop = 0;
  }

  function resultButton(className, title, note, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    const span = (name, text) => Object.assign(document.createElement("span"), { className: name, textContent: text });
    button.append(span("result-title", title));
    if (note) button.append(span("result-note", note));
    button.addEventListener("click", onClick);
    return button;
  }

  // ---- one procedure ----

  async function openProcedure(code) {
    host.armIdle();
    try {
      const answer = await api(`/procedures/${encodeURIComponent(code)}`);
      if (answer.status !== 200 || !answer.body) {
        host.showMessage(answer.body?.error?.message || texts().failed);
        return;
      }
      state.procedure = answer.body;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      host.showMessage(texts().networkFailed);
      return;
    }
    state.ticked = new Set();
    renderProcedure();
    host.show("procedure");
  }

  function renderProcedure() {
    const procedure = state.procedure;
    if (!procedure) return;
    const strings = texts();
    $("procedure-name").textContent = procedure.name;
    $("procedure-field").textContent = [procedure.field, procedure.code].filter(Boolean).join(" · ");
    const documents = procedure.documents.length ? procedure.documents : [strings.procedureNoDocuments];
    $("procedure-checklist").replaceChildren(...documents.map((text, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "checklist-item";
      button.setAttribute("aria-pressed", String(state.ticked.has(index)));
      button.append(Object.assign(document.createElement("span"), { className: "checklist-box", ariaHidden: "true" }),
        Object.assign(document.createElement("span"), { className: "checklist-text", textContent: text }));
      button.addEventListener("click", () => {
        if (state.ticked.has(index)) state.ticked.delete(index); else state.ticked.add(index);
        button.setAttribute("aria-pressed", String(state.ticked.has(index)));
        host.armIdle();
      });
      item.append(button);
      return item;
    }));
    $("procedure-time").textContent = procedure.processing_time || "—";
    $("procedure-fees").textContent = procedure.fees || "—";
    $("procedure-counters").textContent = procedure.counters?.length ? procedure.counters.join(", ") : "—";
    const wait = waitText(strings, procedure.estimated_wait_s);
    $("procedure-wait").textContent = [strings.waitingCount(procedure.waiting ?? 0), wait].filter(Boolean).join(" · ");
    $("procedure-closed").hidden = procedure.is_open !== false;
    updateButtons();
  }

  function updateButtons() {
    const enabled = host.isOnline() && !host.isBusy();
    $("procedures-button").disabled = !enabled;
    $("procedure-take").disabled = !enabled || state.procedure?.is_open === false;
    $("procedure-print").disabled = !enabled;
  }

  async function printChecklist() {
    const procedure = state.procedure;
    if (!procedure || host.isBusy()) return;
    $("procedure-print").disabled = true;
    try {
      const answer = await api(`/procedures/${encodeURIComponent(procedure.code)}/print`,
        { method: "POST", token: host.token(), body: {} });
      if (answer.status === 201 && answer.body?.print?.status === "queued") {
        host.showMessage(texts().procedurePrinting);
      } else if (answer.status === 201) {
        host.showMessage(texts().procedurePrintFailed);
      } else if (answer.status === 401 || answer.status === 403) {
        host.showUnpaired();
      } else {
        host.showMessage(answer.body?.error?.message || texts().failed);
      }
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      host.showMessage(texts().networkFailed);
    } finally {
      updateButtons();
    }
  }

  function reset() {
    clearTimeout(state.searchTimer);
    state.query = "";
    state.field = null;
    state.results = [];
    state.procedure = null;
    state.ticked = new Set();
    $("procedures-query").value = "";
    $("procedure-checklist").replaceChildren();
  }

  function render() {
    buildKeyboard();
    renderButton();
    renderResults();
    renderProcedure();
  }

  $("procedures-button").addEventListener("click", open);
  $("procedures-back").addEventListener("click", () => host.backToStart());
  $("procedure-back").addEventListener("click", () => {
    host.show("procedures");
    host.armIdle();
  });
  $("procedure-take").addEventListener("click", () => {
    if (state.procedure) host.takeNumber({ procedure: state.procedure.code });
  });
  $("procedure-print").addEventListener("click", printChecklist);
  document.addEventListener("keydown", onKeydown);
  buildKeyboard();
  loadFields();
  setInterval(loadFields, FIELDS_EVERY_MS);

  return { render, reset, updateButtons, loadFields };
}
