// The console's view of the current ticket's procedure: its name and the documents the
// citizen should have brought, read from the public catalogue once per procedure.

import { request } from "./common.js";

const $ = (id) => document.getElementById(id);
const documentsByCode = new Map(); // procedure code -> documents (null: not published now)
let shownCode = null;

/** Show the procedure of the current ticket (none: hide the box). */
export async function showProcedure(ticket, config) {
  const procedure = ticket && ticket.procedure;
  $("current-procedure").hidden = !procedure;
  if (!procedure) {
    shownCode = null;
    return;
  }
  $("current-procedure-name").textContent = procedure.name;
  if (shownCode === procedure.code) return;
  shownCode = procedure.code;
  $("current-procedure-documents").replaceChildren();
  const documents = await documentsOf(procedure.code, config);
  if (shownCode !== procedure.code) return; // another ticket came meanwhile
  $("current-procedure-documents").replaceChildren(...(documents || []).map((text) =>
    Object.assign(document.createElement("li"), { textContent: text })));
}

/** The procedure's documents (null: not published now, or offline). */
export async function documentsOf(code, config) {
  if (!documentsByCode.has(code)) {
    try {
      const url = `/api/v1/offices/${encodeURIComponent(config.office)}/procedures/${encodeURIComponent(code)}`;
      const result = await request("GET", url, { language: config.language });
      documentsByCode.set(code, result.status === 200 && result.data ? result.data.documents : null);
    } catch {
      return null; // offline: the next ticket asks again
    }
  }
  return documentsByCode.get(code);
}
