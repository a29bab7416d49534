// What the report-render test measures in the page (passed to page.evaluate, so it is self-contained):
// every text box inside its container, chart parts inside their rows, ticks and SVG labels apart.

export interface Layout {
  sections: Array<{ id: string; title: string }>;
  overflowing: string[];
  outside: string[];
  overlapping: string[];
  pageScroll: number;
  viewport: number;
  labels: string[];
}

// The page's DOM, typed loosely: the type-check program has no DOM library (lib ES2023 only).
type El = any;
type Rect = { left: number; right: number; top: number; bottom: number };

export function measure(): Layout {
  const document: El = (globalThis as El).document;
  const window: El = globalThis;
  const getComputedStyle: (e: El) => El = (globalThis as El).getComputedStyle.bind(globalThis);
  for (const d of document.querySelectorAll('details')) d.open = true;
  const txt = (e: El) => `${e.tagName.toLowerCase()}.${(e.getAttribute('class') ?? '').replace(/ /g, '.')} "${(e.textContent ?? '').trim().slice(0, 40)}"`;
  const overflowing: string[] = [];
  for (const e of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(e);
    if (cs.display === 'inline' || cs.display === 'none' || e.closest('svg')) continue;
    if (e.scrollWidth > e.clientWidth + 1 && cs.overflowX !== 'auto') overflowing.push(txt(e));
  }
  const within = (inner: Rect, outer: Rect) =>
    inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5
    && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
  const apart = (a: Rect, b: Rect) =>
    a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
  const outside: string[] = [];
  const overlapping: string[] = [];
  for (const chart of document.querySelectorAll('figure.chart')) {
    const box = chart.getBoundingClientRect();
    for (const row of chart.querySelectorAll('.bar-row')) {
      const r = row.getBoundingClientRect();
      for (const part of row.querySelectorAll('.label, .value, .bar')) if (!within(part.getBoundingClientRect(), r)) outside.push(txt(part));
      const track = row.querySelector('.track')!.getBoundingClientRect();
      for (const bar of row.querySelectorAll('.bar')) if (!within(bar.getBoundingClientRect(), track)) outside.push(`bar outside its track: ${txt(row)}`);
    }
    const ticks = [...chart.querySelectorAll('.tick')].map((t) => t.getBoundingClientRect());
    chart.querySelectorAll('.tick').forEach((t: El, i: number) => {
      if (!within(ticks[i], box)) outside.push(txt(t));
      if (i > 0 && !apart(ticks[i - 1], ticks[i])) overlapping.push(`${txt(t)} overlaps the tick before it`);
    });
  }
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')];
    const rects = texts.map((t) => t.getBoundingClientRect());
    texts.forEach((t, i) => {
      if (!within(rects[i], box)) outside.push(`svg ${txt(t)}`);
      for (let j = 0; j < i; j++) if (!apart(rects[i], rects[j])) overlapping.push(`svg ${txt(t)} overlaps ${txt(texts[j])}`);
    });
  }
  for (const sel of ['.card', 'table', '.compared', 'figure']) {
    for (const e of document.querySelectorAll(sel)) {
      const parent = e.parentElement!.getBoundingClientRect();
      if (!within(e.getBoundingClientRect(), { left: parent.left, right: parent.right, top: -Infinity, bottom: Infinity })) outside.push(`${txt(e)} wider than its container`);
    }
  }
  return {
    sections: [...document.querySelectorAll('section')].map((s) => ({ id: s.id, title: s.querySelector('h2')?.textContent ?? '' })),
    overflowing, outside, overlapping,
    pageScroll: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    labels: [...document.querySelectorAll('.chart .label')].map((l) => l.textContent ?? ''),
  };
}

