// The paper rating form typed in by an officer: one POST per form, then a clean form for the
// next one, the cursor back on the ticket's number.

import { format, readConfig, request } from "./common.js";

const config = readConfig("paper-config");
const t = config.texts;
const form = document.getElementById("paper-form");
const message = document.getElementById("paper-message");

function body() {
  const data = new FormData(form);
  const answers = {};
  for (const [name, value] of data.entries()) {
    if (name.startsWith("q:")) answers[name.slice(2)] = Number(value);
  }
  const result = { number: String(data.get("number")).trim().toUpperCase(),
    day: data.get("day"), rating: Number(data.get("rating")) };
  if (Object.keys(answers).length) result.answers = answers;
  const reasons = data.getAll("reasons");
  if (reasons.length) result.reasons = reasons;
  if (data.get("visits")) result.visits = data.get("visits");
  const comment = String(data.get("comment") || "").trim();
  if (comment) result.comment = comment;
  return result;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const sent = body();
  try {
    const result = await request("POST", config.api, { body: sent, language: config.language });
    if (result.status === 201) {
      message.className = "message message-info";
      message.textContent = format(t.paper_saved, { number: result.data.number });
      const day = form.elements.day.value;
      form.reset();
      form.elements.day.value = day; // the next forms are usually of the same day
      form.elements.number.focus();
    } else {
      message.className = "message message-error";
      message.textContent = (result.data && result.data.error && result.data.error.message) || t.server_error;
    }
  } catch {
    message.className = "message message-error";
    message.textContent = t.network_error;
  }
});
