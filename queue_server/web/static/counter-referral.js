// "Shorter wait elsewhere": for the service of the current ticket, the other offices of the
// province where a new ticket waits less than here, from the public GET /api/v1/waits (the
// figures the citizen's phone shows). For the citizen who came to the wrong place.

import { element, format, request } from "./common.js";

const $ = (id) => document.getElementById(id);
// A citizen is not sent farther than this for a shorter wait (when both places are known).
export const MAX_DISTANCE_KM = 30;
const SHOWN = 3;
// The server keeps its answer a few seconds; the console asks again at most this often.
const FRESH_MS = 30000;
const answers = new Map(); // service code -> {at, offices}
let shownService = null;

/** Show the offices with a shorter wait for the ticket's service (none: hide the panel). */
export async function showReferral(ticket, config) {
  const service = ticket ? ticket.service : null;
  if (!service) {
    shownService = null;
    $("referral").hidden = true;
    return;
  }
  shownService = service;
  const offices = await officesFor(service, config);
  if (shownService !== service) return; // another ticket came meanwhile
  render(offices, config);
}

async function officesFor(service, config) {
  const kept = answers.get(service);
  if (kept && Date.now() - kept.at < FRESH_MS) return kept.offices;
  try {
    const result = await request("GET", `/api/v1/waits?service=${encodeURIComponent(service)}`,
      { language: config.language });
    const offices = result.status === 200 && Array.isArray(result.data) ? result.data : [];
    answers.set(service, { at: Date.now(), offices });
    return offices;
  } catch {
    return kept ? kept.offices : []; // offline: the last answer, or nothing
  }
}

/** The open offices other than here with a shorter wait, nearest first when places are known. */
export function shorterElsewhere(offices, here) {
  const own = offices.find((office) => office.office === here);
  const limit = own && own.open_now ? own.estimated_wait_s : null;
  const distance = (office) => (own && own.location && office.location
    ? distanceKm(own.location, office.location) : null);
  return offices
    .filter((office) => office.office !== here && office.open_now && office.estimated_wait_s !== null
      && (limit === null || office.estimated_wait_s < limit))
    .map((office) => ({ ...office, distance_km: distance(office) }))
    .filter((office) => office.distance_km === null || office.distance_km <= MAX_DISTANCE_KM)
    .sort((a, b) => (a.distance_km ?? Infinity) - (b.distance_km ?? Infinity)
      || a.estimated_wait_s - b.estimated_wait_s);
}

function distanceKm(from, to) {
  const rad = Math.PI / 180;
  const dLat = (to[0] - from[0]) * rad;
  const dLon = (to[1] - from[1]) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(from[0] * rad) * Math.cos(to[0] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function render(offices, config) {
  const t = config.texts;
  const better = shorterElsewhere(offices, config.office).slice(0, SHOWN);
  // Nothing better (or an office on its own): the console stays as it was.
  $("referral").hidden = better.length === 0;
  $("referral-list").replaceChildren(...better.map((office) => {
    const item = element("li", "referral-office");
    item.dataset.office = office.office;
    item.append(element("strong", "referral-name", office.name));
    const facts = [format(t.referral_waiting, { count: office.waiting }),
      format(t.referral_wait, { minutes: Math.round(office.estimated_wait_s / 60) })];
    if (office.distance_km !== null) {
      const km = office.distance_km.toFixed(1);
      facts.push(format(t.referral_distance, { km: config.language === "vi" ? km.replace(".", ",") : km }));
    }
    item.append(element("span", "referral-facts", facts.join(" · ")));
    if (office.address) item.append(element("span", "referral-address", office.address));
    return item;
  }));
}
