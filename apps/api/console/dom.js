// Building DOM without innerHTML: every text goes through textContent, so nothing the api returns
// (names, reasons, messages) is ever parsed as HTML. The one exception is rendered Markdown, which
// goes through DOMPurify first (see markdown()).

/** h('tr', {class: 'x'}, 'text', childNode, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces el's children (skipping null/undefined/false, unlike Element.append). */
export function fill(el, ...children) {
  append(clear(el), children);
  return el;
}

export const statusBadge = (status) => h('span', { class: `status status-${String(status).replace(/[^a-z_]/g, '')}` }, status);

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function money(amount, currency) {
  const n = Number(amount ?? 0);
  return `${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)} ${currency ?? ''}`.trim();
}

/** Markdown to sanitised DOM (marked, then DOMPurify); plain text when the libraries are missing. */
export function markdown(text) {
  const box = h('div', { class: 'markdown' });
  if (window.marked && window.DOMPurify) {
    box.innerHTML = window.DOMPurify.sanitize(window.marked.parse(String(text)));
  } else {
    box.append(h('pre', {}, String(text)));
  }
  return box;
}

export function table(headers, rows) {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: x.num ? 'num' : undefined }, x.label ?? x)))),
    h('tbody', {}, rows),
  );
}
