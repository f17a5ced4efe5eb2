// Findings drawn onto a draft: shared by `draftlint serve` and the `--format html` report.
//
// Input is a draft's text and its findings exactly as `--format json` gives them. Offsets there
// are UTF-8 bytes; JavaScript strings count UTF-16 units, so every offset goes through
// `byteMapper`. Findings may nest or overlap; HTML elements may only nest, so a finding that
// crosses another is drawn in pieces: the first piece carries `data-rule` (one per finding, the
// hook tests count), the others only `data-i`.
'use strict';

const DraftlintView = (() => {
  const ICONS = { error: '\u2716', warning: '\u25B2', info: '\u2139' };
  const LABELS = { error: 'Error', warning: 'Warning', info: 'Info' };

  /** A function from a UTF-8 byte offset into `text` to the string index there. */
  function byteMapper(text) {
    const byteAt = new Float64Array(text.length + 1);
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      byteAt[i] = bytes;
      const c = text.charCodeAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        bytes += 4;
        i += 1;
        byteAt[i] = bytes;
      } else bytes += 3;
    }
    byteAt[text.length] = bytes;
    return (offset) => {
      let lo = 0;
      let hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (byteAt[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
  }

  function markFor(iv, first) {
    const d = iv.d;
    const el = document.createElement('mark');
    el.className = `sev-${d.severity}` + (first ? '' : ' part');
    el.dataset.i = iv.i;
    if (first) {
      el.dataset.rule = d.rule;
      el.dataset.severity = d.severity;
      el.tabIndex = 0;
      el.setAttribute('aria-label', `${LABELS[d.severity] || d.severity}, ${d.rule}: ${d.message}`);
    }
    return el;
  }

  function ctxFor(iv) {
    const el = document.createElement('span');
    el.className = 'ctx';
    el.dataset.ctx = iv.i;
    el.dataset.j = iv.j;
    return el;
  }

  /**
   * Draws `text` into `container` with one highlight per finding and hidden "said here" spans.
   * `bom` is how many bytes of byte-order mark the offsets count before `text`.
   */
  function render(container, text, diagnostics, bom) {
    const toIndex = byteMapper(text);
    const at = (b) => toIndex(Math.max(0, b - (bom || 0)));
    const intervals = [];
    diagnostics.forEach((d, i) => {
      intervals.push({ s: at(d.byte_start), e: at(d.byte_end), kind: 'mark', i, d });
      (d.related || []).forEach((r, j) => {
        intervals.push({ s: at(r.byte_start), e: at(r.byte_end), kind: 'ctx', i, j, d });
      });
    });
    const starts = new Map();
    const points = new Set([0, text.length]);
    for (const iv of intervals) {
      points.add(iv.s);
      points.add(iv.e);
      if (!starts.has(iv.s)) starts.set(iv.s, []);
      starts.get(iv.s).push(iv);
    }
    // Longer first, so that what starts at one place nests inside what covers more.
    for (const list of starts.values()) {
      list.sort((a, b) => b.e - a.e || (a.kind === b.kind ? a.i - b.i : a.kind === 'mark' ? -1 : 1));
    }
    const sorted = [...points].sort((a, b) => a - b);
    const root = document.createDocumentFragment();
    const stack = [];
    const parent = () => (stack.length ? stack[stack.length - 1].el : root);
    for (let k = 0; k < sorted.length; k++) {
      const p = sorted[k];
      const firstEnding = stack.findIndex((x) => x.iv.e <= p);
      if (firstEnding >= 0) {
        const closed = stack.splice(firstEnding);
        for (const x of closed) {
          if (x.iv.e > p) {
            const el = x.iv.kind === 'mark' ? markFor(x.iv, false) : ctxFor(x.iv);
            parent().appendChild(el);
            stack.push({ iv: x.iv, el });
          }
        }
      }
      for (const iv of starts.get(p) || []) {
        const el = iv.kind === 'mark' ? markFor(iv, true) : ctxFor(iv);
        parent().appendChild(el);
        if (iv.e > p) stack.push({ iv, el });
        else el.classList.add('empty');
      }
      if (k + 1 < sorted.length) {
        parent().appendChild(document.createTextNode(text.slice(p, sorted[k + 1])));
      }
    }
    container.replaceChildren(root);
  }

  /** The hover card and keyboard handling of one or more drawn drafts. */
  class Card {
    /**
     * `el` is the card element. `options.explain(rule)` resolves to a rule's explanation;
     * `options.onFix(d)`, when given, applies a finding's fix.
     */
    constructor(el, options) {
      this.el = el;
      this.options = options;
      this.current = null;
      this.selected = null;
      this.hideTimer = 0;
      el.addEventListener('mouseenter', () => clearTimeout(this.hideTimer));
      el.addEventListener('mouseleave', () => this.hideSoon());
      el.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' && this.current) {
          const mark = this.current.mark;
          this.hide();
          mark.focus();
        }
      });
    }

    /** Wires a drawn draft: hover, focus, click and keys on its highlights. */
    attach(container, findings) {
      // Findings may be an array or a function that returns the current ones (a live page).
      const current = typeof findings === 'function' ? findings : () => findings;
      container.addEventListener('mouseover', (e) => {
        const mark = e.target.closest('mark[data-i]');
        if (mark && container.contains(mark)) this.show(container, current(), +mark.dataset.i);
      });
      container.addEventListener('mouseleave', () => this.hideSoon());
      container.addEventListener('focusin', (e) => {
        const mark = e.target.closest('mark[data-rule]');
        if (mark) this.show(container, current(), +mark.dataset.i);
      });
      container.addEventListener('click', (e) => {
        const mark = e.target.closest('mark[data-i]');
        if (mark) this.select(container, current(), +mark.dataset.i);
      });
      container.addEventListener('keydown', (e) => {
        const mark = e.target.closest('mark[data-rule]');
        if (!mark) return;
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.select(container, current(), +mark.dataset.i);
          const button = this.el.querySelector('button');
          if (button) button.focus();
        } else if (e.key === 'Escape') {
          this.hide();
        } else if (['ArrowRight', 'ArrowDown', 'j', 'n'].includes(e.key)) {
          e.preventDefault();
          Card.step(container, mark, 1);
        } else if (['ArrowLeft', 'ArrowUp', 'k', 'p'].includes(e.key)) {
          e.preventDefault();
          Card.step(container, mark, -1);
        }
      });
    }

    /** Moves focus to the next (or previous) finding in reading order. */
    static step(container, mark, by) {
      const marks = [...container.querySelectorAll('mark[data-rule]')];
      const next = marks[marks.indexOf(mark) + by];
      if (next) {
        next.focus();
        next.scrollIntoView({ block: 'nearest' });
      }
    }

    show(container, diagnostics, i) {
      clearTimeout(this.hideTimer);
      const mark = container.querySelector(`mark[data-rule][data-i="${i}"]`);
      if (!mark) return;
      if (this.current && this.current.mark === mark && !this.el.hidden) return;
      this.current = { container, mark, d: diagnostics[i], i, diagnostics };
      this.fill(this.current);
      this.el.hidden = false;
      this.place(mark);
    }

    /** Selects a finding: its pieces outlined, its "said here" spans shown, its card open. */
    select(container, diagnostics, i) {
      this.clearSelection();
      this.selected = { container, i };
      container.querySelectorAll(`mark[data-i="${i}"]`).forEach((m) => m.classList.add('selected'));
      container.querySelectorAll(`.ctx[data-ctx="${i}"]`).forEach((c) => c.classList.add('active'));
      this.current = null;
      this.show(container, diagnostics, i);
    }

    clearSelection() {
      if (!this.selected) return;
      const { container } = this.selected;
      container.querySelectorAll('mark.selected').forEach((m) => m.classList.remove('selected'));
      container.querySelectorAll('.ctx.active').forEach((c) => c.classList.remove('active'));
      this.selected = null;
    }

    hideSoon() {
      clearTimeout(this.hideTimer);
      this.hideTimer = setTimeout(() => {
        if (this.el.contains(document.activeElement)) return;
        if (this.current && this.current.mark === document.activeElement) return;
        this.hide();
      }, 300);
    }

    hide() {
      this.el.hidden = true;
      this.current = null;
      this.clearSelection();
    }

    fill({ d, i, container, diagnostics }) {
      const el = this.el;
      el.replaceChildren();
      el.className = `card sev-${d.severity}`;
      const head = el.appendChild(document.createElement('p'));
      head.className = 'card-head';
      const icon = head.appendChild(document.createElement('span'));
      icon.className = 'icon';
      icon.setAttribute('aria-hidden', 'true');
      icon.textContent = ICONS[d.severity] || '';
      head.append(`${LABELS[d.severity] || d.severity} `);
      const rule = head.appendChild(document.createElement('code'));
      rule.textContent = d.rule;
      head.append(` \u00b7 line ${d.line}, column ${d.column}`);
      const message = el.appendChild(document.createElement('p'));
      message.className = 'card-message';
      message.textContent = d.message;
      if (d.help) {
        const help = el.appendChild(document.createElement('p'));
        help.className = 'card-help';
        help.textContent = d.help;
      }
      if (d.related && d.related.length) {
        const list = el.appendChild(document.createElement('ul'));
        list.className = 'card-related';
        d.related.forEach((r, j) => {
          const item = list.appendChild(document.createElement('li'));
          const go = item.appendChild(document.createElement('button'));
          go.type = 'button';
          go.className = 'link';
          go.textContent = `${r.message} (line ${r.line})`;
          go.addEventListener('click', () => {
            if (!this.selected || this.selected.i !== i) this.select(container, diagnostics, i);
            const span = container.querySelector(`.ctx[data-ctx="${i}"][data-j="${j}"]`);
            if (span) span.scrollIntoView({ block: 'center' });
          });
        });
      }
      const actions = el.appendChild(document.createElement('p'));
      actions.className = 'card-actions';
      if (d.fix && this.options.onFix) {
        const fix = actions.appendChild(document.createElement('button'));
        fix.type = 'button';
        fix.className = 'apply-fix';
        fix.textContent = d.fix.replacement ? `Apply fix: \u201c${d.fix.replacement}\u201d` : 'Apply fix: delete';
        fix.addEventListener('click', () => {
          const mark = this.current && this.current.mark;
          this.hide();
          this.options.onFix(d, mark);
        });
      }
      const explain = actions.appendChild(document.createElement('button'));
      explain.type = 'button';
      explain.className = 'explain';
      explain.textContent = `Explain ${d.rule}`;
      explain.addEventListener('click', () => this.options.explain(d.rule));
    }

    place(mark) {
      const rect = mark.getClientRects()[0] || mark.getBoundingClientRect();
      // The visible width, without a scroll bar (which `innerWidth` counts).
      const visible = document.documentElement.clientWidth;
      const width = this.el.offsetWidth || Math.min(416, visible - 16);
      const left = Math.max(8, Math.min(rect.left, visible - width - 8));
      // Below the finding, and below the "said here" passages just under it, so the card
      // hides neither.
      let bottom = rect.bottom;
      if (this.current) {
        const { container, i } = this.current;
        for (const ctx of container.querySelectorAll(`.ctx.active[data-ctx="${i}"]`)) {
          const r = ctx.getBoundingClientRect();
          if (r.top >= rect.top && r.top - rect.bottom < 120) bottom = Math.max(bottom, r.bottom);
        }
      }
      this.el.style.left = `${left + window.scrollX}px`;
      this.el.style.top = `${bottom + window.scrollY + 6}px`;
    }
  }

  /** Shows a rule's explanation in a `<dialog>` that holds a `<pre>`. */
  function showExplanation(dialog, text) {
    dialog.querySelector('pre').textContent = text;
    if (!dialog.open) dialog.showModal();
  }

  return { ICONS, LABELS, byteMapper, render, Card, showExplanation };
})();
