// Shared by the browser pages: JSON requests with the session's CSRF token, keys, texts.

const csrfMeta = document.querySelector('meta[name="csrf-token"]');

/** The JSON a page embeds in <script type="application/json" id=...>. */
export function readConfig(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

/** 128 random bits as hex (crypto.randomUUID needs HTTPS; office LANs often have plain HTTP). */
export function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Fill {name} placeholders. */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/**
 * One HTTP request with the session cookie; changes carry the CSRF header.
 * Resolves to {status, data, date}; rejects only when the network fails.
 */
export async function request(method, url, { body, language = "vi", headers = {} } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { Accept: "application/json", "Accept-Language": language, ...headers },
  };
  if (method !== "GET" && method !== "HEAD") {
    init.headers["X-CSRF-Token"] = csrfMeta ? csrfMeta.content : "";
  }
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { status: response.status, data, date: response.headers.get("Date") };
}

/** Build an element with a class and text (never HTML from data). */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
