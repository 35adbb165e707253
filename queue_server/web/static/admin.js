// The administration pages work without script; this only asks before revoking or disabling,
// copies a new device token, and offers a weekly table for the opening hours. Texts come from
// data- attributes, set as text only.
import { mountHoursEditor } from "./hours-editor.js";

function askBeforeSubmitting(form) {
  form.addEventListener("submit", (event) => {
    const condition = form.dataset.confirmWhen; // "field=value": ask only then
    if (condition) {
      const [name, value] = condition.split("=");
      const field = form.elements.namedItem(name);
      if (!field || field.value !== value) return;
    }
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

// The clipboard API needs HTTPS; office LANs often serve plain HTTP, so fall back to a selection.
async function copyFrom(button) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  selectText(source);
  try {
    await navigator.clipboard.writeText(source.textContent);
  } catch {
    document.execCommand("copy");
  }
  button.textContent = button.dataset.copied;
}

for (const form of document.querySelectorAll("form[data-confirm]")) askBeforeSubmitting(form);
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", () => copyFrom(button));
}
for (const editor of document.querySelectorAll(".hours-editor")) mountHoursEditor(editor);
