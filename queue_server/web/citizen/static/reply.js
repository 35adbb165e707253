// The office's answer to this ticket's rating, written by a manager in the feedback inbox
// (GET /api/v1/tickets/{code}/reply). Shown as text under the ticket; nothing until answered.
import { STRINGS } from "./strings.js";


export async function showReply(ticketApi, language) {
  let data = null;
  try {
    const response = await fetch(`${ticketApi}/reply`, { cache: "no-store" });
    if (response.ok) data = await response.json();
  } catch {
    return; // offline: the next visit shows it
  }
  if (!data || !data.answer) return;
  let box = document.getElementById("office-reply");
  if (!box) {
    box = document.createElement("section");
    box.className = "card";
    box.id = "office-reply";
    box.append(document.createElement("p"), document.createElement("p"));
    box.firstChild.className = "label";
    box.lastChild.className = "reply-text";
    (document.getElementById("rating") || document.querySelector("main").lastChild).after(box);
  }
  const strings = STRINGS[language] || STRINGS.vi;
  box.firstChild.textContent = strings.replyTitle;
  box.lastChild.textContent = data.answer;
}
