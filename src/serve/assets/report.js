// The `--format html` report: draws each draft when its section opens (a run over a thousand
// files opens fast because closed sections cost nothing but their summary line).
'use strict';

(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const dialog = document.getElementById('explain');
  const card = new DraftlintView.Card(document.getElementById('card'), {
    explain: (rule) => DraftlintView.showExplanation(dialog, data.explain[rule] || rule),
  });

  function draw(section) {
    const view = section.querySelector('.draft-view');
    if (!view || view.dataset.drawn) return;
    const file = data.files[+section.dataset.file];
    DraftlintView.render(view, file.text, file.diagnostics, file.bom);
    card.attach(view, file.diagnostics);
    view.dataset.drawn = '1';
  }

  for (const section of document.querySelectorAll('details.file')) {
    if (section.open) draw(section);
    section.addEventListener('toggle', () => section.open && draw(section));
  }
  // A link in the summary table opens its file's section.
  document.addEventListener('click', (e) => {
    const link = e.target.closest('a[data-open]');
    if (!link) return;
    const section = document.getElementById(`file-${link.dataset.open}`);
    section.open = true;
    draw(section);
  });
  // Time from navigation to a usable report, for the measurement in the README.
  document.body.dataset.readyMs = performance.now().toFixed(0);
  document.body.dataset.ready = '1';
})();
