// HTTP for the kiosk: JSON requests with a timeout, and retries that keep one idempotency key.

const REQUEST_TIMEOUT_MS = 8000;
// Delays before each retry of a ticket request: about 12 s in all, then the kiosk says so.
const ISSUE_RETRY_DELAYS_MS = [700, 1500, 3000, 6000];

export class NetworkError extends Error {}

export const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

// One JSON request: {status, body, clockOffsetMs} (the server's clock from its Date header);
// NetworkError when no answer came back.
export async function requestJSON(url, { method = "GET", token, body, headers = {}, language } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const allHeaders = { Accept: "application/json", "Accept-Language": language || "vi", ...headers };
  if (token) allHeaders.Authorization = `Bearer ${token}`;
  if (body !== undefined) allHeaders["Content-Type"] = "application/json";
  try {
    const response = await fetch(url, {
      method, headers: allHeaders, signal: controller.signal, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
    const date = Date.parse(response.headers.get("Date") || "");
    return {
      status: response.status, body: parsed,
      clockOffsetMs: Number.isNaN(date) ? undefined : date - Date.now(),
    };
  } catch (error) {
    throw new NetworkError(String(error));
  } finally {
    clearTimeout(timer);
  }
}

// A random key for one tap; crypto.randomUUID needs HTTPS, getRandomValues does not.
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return "kiosk-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// POST a ticket, retrying lost answers and server errors with the same key, so the server
// hands back the first ticket instead of a second one.
export async function issueTicket(url, { token, service, procedure, priority, citizenIdQr, key, language }) {
  const body = procedure ? { procedure } : { service };
  if (priority) body.priority = priority;
  if (citizenIdQr) body.citizen_id_qr = citizenIdQr; // the card's text, sent with this ticket only
  const headers = { "Idempotency-Key": key };
  let lastError = null;
  for (let attempt = 0; attempt <= ISSUE_RETRY_DELAYS_MS.length; attempt += 1) {
    if (attempt > 0) await sleep(ISSUE_RETRY_DELAYS_MS[attempt - 1]);
    try {
      const result = await requestJSON(url, { method: "POST", token, body, headers, language });
      if (result.status < 500 && result.status !== 429) return result;
      lastError = result;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      lastError = error;
    }
  }
  if (lastError instanceof NetworkError) throw lastError;
  return lastError;
}
