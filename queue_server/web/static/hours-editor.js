// The opening hours as a weekly table (Thứ Hai … Chủ nhật, a morning and an afternoon session)
// that writes the OpenStreetMap text ("Mo-Fr 07:30-11:30,13:30-17:00; Sa 07:30-11:30") into
// the form's field. The field stays for what the table cannot show (holidays rules, "24/7").

const DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const TIME = "([01]\\d|2[0-3]):[0-5]\\d";
const SPAN = new RegExp(`^(${TIME})-(${TIME})$`);
const TYPICAL = [["07:30", "11:30"], ["13:30", "17:00"]];

// The week as {Mo: [[from, to], …], …}, or null when the text says more than the table can.
export function parseWeek(text) {
  const week = Object.fromEntries(DAYS.map((day) => [day, []]));
  const cleaned = text.trim();
  if (cleaned === "" || cleaned === "off") return week;
  for (const rule of cleaned.split(";").map((part) => part.trim()).filter(Boolean)) {
    const match = rule.match(/^([A-Za-z,-]+)\s+(.+)$/);
    if (!match) return null;
    const days = parseDays(match[1]);
    const spans = match[2] === "off" ? [] : match[2].split(",").map((span) => span.trim());
    if (!days || spans.length > 2) return null;
    const times = [];
    for (const span of spans) {
      const parts = span.match(SPAN);
      if (!parts || parts[1] >= parts[3]) return null;
      times.push([parts[1], parts[3]]);
    }
    for (const day of days) week[day] = times; // a later rule replaces an earlier one
  }
  return week;
}

function parseDays(text) {
  const days = [];
  for (const part of text.split(",")) {
    const [first, last = first] = part.split("-");
    const start = DAYS.indexOf(first);
    const end = DAYS.indexOf(last);
    if (start < 0 || end < start) return null;
    days.push(...DAYS.slice(start, end + 1));
  }
  return days;
}

// The OpenStreetMap text of a week: consecutive days with the same hours share one rule.
export function formatWeek(week) {
  const rules = [];
  let index = 0;
  while (index < DAYS.length) {
    const hours = spansText(week[DAYS[index]]);
    let end = index;
    while (end + 1 < DAYS.length && spansText(week[DAYS[end + 1]]) === hours) end += 1;
    if (hours) {
      const days = end === index ? DAYS[index] : `${DAYS[index]}-${DAYS[end]}`;
      rules.push(`${days} ${hours}`);
    }
    index = end + 1;
  }
  return rules.length ? rules.join("; ") : "off";
}

function spansText(spans) {
  return spans.map(([from, to]) => `${from}-${to}`).join(",");
}

export function mountHoursEditor(editor) {
  const field = document.getElementById(editor.dataset.target);
  if (!field) return;
  const rows = [...editor.querySelectorAll("tr[data-day]")];
  const status = editor.querySelector(".hours-status");
  editor.hidden = false;

  function readTable() {
    const week = {};
    for (const row of rows) {
      const isOpen = row.querySelector(".day-open").checked;
      const spans = [];
      for (const session of [1, 2]) {
        const from = row.querySelector(`.from-${session}`).value;
        const to = row.querySelector(`.to-${session}`).value;
        if (isOpen && from && to && from < to) spans.push([from, to]);
      }
      week[row.dataset.day] = spans;
    }
    return week;
  }

  function fillTable(week) {
    for (const row of rows) {
      const spans = week[row.dataset.day];
      row.querySelector(".day-open").checked = spans.length > 0;
      for (const session of [1, 2]) {
        const [from, to] = spans[session - 1] || ["", ""];
        row.querySelector(`.from-${session}`).value = from;
        row.querySelector(`.to-${session}`).value = to;
      }
      renderRow(row);
    }
  }

  function renderRow(row) {
    const isOpen = row.querySelector(".day-open").checked;
    for (const input of row.querySelectorAll("input[type=time]")) input.disabled = !isOpen;
  }

  function fromField() {
    const week = parseWeek(field.value);
    editor.classList.toggle("is-advanced", week === null);
    status.textContent = week === null ? editor.dataset.advanced : "";
    for (const input of editor.querySelectorAll("input")) input.disabled = week === null;
    if (week !== null) fillTable(week);
  }

  editor.addEventListener("change", (event) => {
    const row = event.target.closest("tr[data-day]");
    if (row && event.target.classList.contains("day-open")) {
      // A day just opened gets the usual hours, to adjust rather than type.
      if (event.target.checked && !row.querySelector(".from-1").value) {
        TYPICAL.forEach(([from, to], index) => {
          row.querySelector(`.from-${index + 1}`).value = from;
          row.querySelector(`.to-${index + 1}`).value = to;
        });
      }
      renderRow(row);
    }
    field.value = formatWeek(readTable());
  });
  editor.addEventListener("input", () => { field.value = formatWeek(readTable()); });
  field.addEventListener("input", fromField);
  fromField();
}
