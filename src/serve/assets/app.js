// The `draftlint serve` page: a draft in, its findings drawn, fixes one click away.
//
// Every lint goes to the server (`POST /api/lint`), which runs the same engine as
// `draftlint check`; the page only draws. Nothing is written on the server: fixes change the
// text in the editor, and "Download" saves it from the browser.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const draft = $('draft');
  const view = $('view');
  const panel = $('findings');
  const formatSelect = $('format');
  const dialog = $('explain');
  const LINT_DELAY_MS = 200;

  let fileName = null;
  // A textarea holds line feeds only; a draft opened with CRLF is saved back with CRLF.
  let crlf = false;
  let shown = { text: null, diagnostics: [] };
  let sequence = 0;
  let timer = 0;

  const card = new DraftlintView.Card($('card'), {
    explain: async (rule) => {
      const response = await fetch(`/api/explain/${encodeURIComponent(rule)}`);
      DraftlintView.showExplanation(dialog, await response.text());
    },
    onFix: (d) => applyFix(d),
  });
  card.attach(view, () => shown.diagnostics);

  /** The format to lint as: chosen, or guessed from the file name, then from the content. */
  function format() {
    if (formatSelect.value !== 'auto') return formatSelect.value;
    const ext = fileName ? fileName.split('.').pop().toLowerCase() : '';
    let guess;
    if (['md', 'markdown', 'mdown', 'mkd', 'mdx'].includes(ext)) guess = 'markdown';
    else if (['html', 'htm', 'xhtml'].includes(ext)) guess = 'html';
    else if (ext && fileName.includes('.')) guess = 'text';
    else {
      const head = draft.value.slice(0, 4000);
      if (/^\s*<(!doctype|html|head|body|article|section|p|div|h[1-6])\b/i.test(head)) guess = 'html';
      else if (/^#{1,6} |\[[^\]\n]+\]\([^)\n]+\)|^```|^---\n|\*\*[^*\n]+\*\*/m.test(head)) {
        guess = 'markdown';
      } else guess = 'text';
    }
    $('guessed').textContent = `(${guess})`;
    return guess;
  }

  function scheduleLint() {
    clearTimeout(timer);
    timer = setTimeout(lint, LINT_DELAY_MS);
  }

  /** Lints the editor's text and draws the result; a stale answer is dropped. */
  async function lint() {
    clearTimeout(timer);
    const mine = ++sequence;
    const text = draft.value;
    const started = performance.now();
    const body = { text, format: format() };
    if (fileName) body.path = fileName;
    let result;
    try {
      const response = await fetch('/api/lint', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      result = await response.json();
      if (!response.ok) throw new Error(result.error || response.statusText);
    } catch (err) {
      if (mine === sequence) $('totals').textContent = `Could not lint: ${err.message}`;
      return;
    }
    if (mine !== sequence) return;
    shown = { text, diagnostics: result.diagnostics };
    card.hide();
    DraftlintView.render(view, text, shown.diagnostics, 0);
    drawPanel(shown.diagnostics);
    drawTotals(shown.diagnostics);
    // For the end-to-end test and the performance note in the README: request to drawn.
    document.body.dataset.lintMs = (performance.now() - started).toFixed(1);
    document.body.dataset.linted = String(mine);
  }

  function drawTotals(diagnostics) {
    const counts = { error: 0, warning: 0, info: 0 };
    diagnostics.forEach((d) => (counts[d.severity] += 1));
    const parts = Object.entries(counts).map(([severity, n]) => {
      const icon = DraftlintView.ICONS[severity];
      return `${icon} ${n} ${severity}${n === 1 ? '' : 's'}`;
    });
    $('totals').textContent = diagnostics.length ? parts.join(' \u00b7 ') : 'No findings.';
  }

  /** The findings panel: grouped by rule, with counts; each entry selects its highlight. */
  function drawPanel(diagnostics) {
    const groups = new Map();
    diagnostics.forEach((d, i) => {
      if (!groups.has(d.rule)) groups.set(d.rule, []);
      groups.get(d.rule).push(i);
    });
    const root = document.createDocumentFragment();
    for (const [rule, list] of groups) {
      const section = root.appendChild(document.createElement('section'));
      section.className = 'group';
      const head = section.appendChild(document.createElement('h3'));
      head.textContent = `${rule} `;
      const count = head.appendChild(document.createElement('span'));
      count.className = 'count';
      count.textContent = list.length;
      const items = section.appendChild(document.createElement('ul'));
      for (const i of list) {
        const d = diagnostics[i];
        const item = items.appendChild(document.createElement('li'));
        const entry = item.appendChild(document.createElement('button'));
        entry.type = 'button';
        entry.className = `entry sev-${d.severity}`;
        entry.dataset.rule = d.rule;
        entry.dataset.severity = d.severity;
        entry.dataset.i = i;
        const icon = entry.appendChild(document.createElement('span'));
        icon.className = 'icon';
        icon.setAttribute('aria-hidden', 'true');
        icon.textContent = DraftlintView.ICONS[d.severity];
        entry.append(`${DraftlintView.LABELS[d.severity]}, line ${d.line}: ${d.message}`);
        entry.addEventListener('click', () => {
          const mark = view.querySelector(`mark[data-rule][data-i="${i}"]`);
          if (!mark) return;
          mark.scrollIntoView({ block: 'center' });
          mark.focus({ preventScroll: true });
          card.select(view, shown.diagnostics, i);
        });
      }
    }
    panel.replaceChildren(root);
  }

  /** Applies one finding's fix to the editor's text (if the text is still what was linted). */
  function applyFix(d) {
    if (!d.fix || draft.value !== shown.text) return;
    const toIndex = DraftlintView.byteMapper(draft.value);
    const start = toIndex(d.fix.byte_start);
    const end = toIndex(d.fix.byte_end);
    draft.setRangeText(d.fix.replacement, start, end, 'end');
    lint();
  }

  async function fixAll() {
    const response = await fetch('/api/fix', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: draft.value, format: format(), path: fileName || undefined }),
    });
    const result = await response.json();
    if (!response.ok) return;
    draft.value = result.text;
    lint();
  }

  function download() {
    const ext = { markdown: 'md', html: 'html', text: 'txt' }[format()];
    const name = fileName ? fileName.split('/').pop() : `draft.${ext}`;
    const link = document.createElement('a');
    const text = crlf ? draft.value.replace(/\n/g, '\r\n') : draft.value;
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  function load(name, text) {
    fileName = name;
    crlf = text.includes('\r\n');
    draft.value = text;
    $('name').textContent = name || '';
    lint();
  }

  async function listFiles() {
    const response = await fetch('/api/files');
    if (!response.ok) return;
    const { files } = await response.json();
    if (!files.length) return;
    const nav = $('files');
    const list = nav.querySelector('ul');
    for (const path of files) {
      const item = list.appendChild(document.createElement('li'));
      const open = item.appendChild(document.createElement('button'));
      open.type = 'button';
      open.className = 'link';
      open.textContent = path;
      open.addEventListener('click', async () => {
        const file = await fetch(`/api/file?path=${encodeURIComponent(path)}`);
        const body = await file.json();
        if (file.ok) load(body.path, body.text);
        else $('totals').textContent = body.error;
      });
    }
    nav.hidden = false;
    document.body.classList.add('with-files');
  }

  draft.addEventListener('input', scheduleLint);
  formatSelect.addEventListener('change', lint);
  $('download').addEventListener('click', download);
  $('fix-all').addEventListener('click', fixAll);
  $('open').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) load(file.name, await file.text());
  });
  for (const target of [draft, view]) {
    target.addEventListener('dragover', (e) => e.preventDefault());
    target.addEventListener('drop', async (e) => {
      const file = e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      load(file.name, await file.text());
    });
  }
  // j/k (or n/p) from anywhere outside the editor jump into the findings.
  document.addEventListener('keydown', (e) => {
    if (e.target === draft || e.target.closest('mark, dialog, .card') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (!['j', 'k', 'n', 'p'].includes(e.key)) return;
    const first = view.querySelector('mark[data-rule]');
    if (first) {
      e.preventDefault();
      first.focus();
    }
  });
  listFiles();
  document.body.dataset.ready = '1';
})();
