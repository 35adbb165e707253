// The report's table per procedure (thủ tục): tickets, files sent back to complete and the
// documents most often missing, waits; the procedures most often sent back first (the
// server's order), from GET …/stats/procedures for the same period. Hidden when no ticket
// named a procedure.
import { element, format, request } from "/web-static/common.js";
import { percentText } from "/web-static/formats.js";

// The documents shown per procedure: the server sends a few more.
const MISSING_SHOWN = 3;

const $ = (id) => document.getElementById(id);

function minutes(t, seconds) {
  if (seconds === null || seconds === undefined) return t.none;
  return format(t.minutes, { value: Math.round(seconds / 60) });
}

/** Fetch and draw the period's figures per procedure (query: the report's ?from=&to=…). */
export async function loadProcedureReport(config, query) {
  const t = config.texts;
  const period = new URLSearchParams(query);
  const wanted = new URLSearchParams({ from: period.get("from") || "", to: period.get("to") || "" });
  let rows = [];
  try {
    const result = await request("GET", `${config.api}/stats/procedures?${wanted}`, { language: config.language });
    rows = result.status === 200 && result.data ? result.data.by_procedure : [];
  } catch {
    rows = [];
  }
  $("procedures-report").hidden = rows.length === 0;
  const locale = config.locale || "vi-VN";
  const headers = [[t.procedure, false], [t.issued, true], [t.served, true], [t.no_show, true],
    [t.sent_back, true], [t.sent_back_share, true], [t.most_missing, false],
    [t.wait_mean, true], [t.wait_p90, true]];
  const head = element("thead");
  const headRow = element("tr");
  headers.forEach(([label, numeric]) => headRow.append(element("th", numeric ? "num" : "", label)));
  head.append(headRow);
  const body = element("tbody");
  for (const row of rows) {
    const line = element("tr");
    const name = element("td", "", row.name);
    name.title = row.code;
    line.append(name);
    [String(row.issued), String(row.served), String(row.no_show), String(row.supplement),
      percentText(locale, row.supplement_share) ?? t.none]
      .forEach((cell) => line.append(element("td", "num", cell)));
    // "Giấy tờ về quyền sử dụng đất (2)": what the guidance should make clearer.
    line.append(element("td", "missing-documents", (row.missing || []).slice(0, MISSING_SHOWN)
      .map((item) => `${item.document} (${item.count})`).join("; ") || t.none));
    [minutes(t, row.wait_s.mean), minutes(t, row.wait_s.p90)]
      .forEach((cell) => line.append(element("td", "num", cell)));
    body.append(line);
  }
  $("procedures-table").replaceChildren(head, body);
}
