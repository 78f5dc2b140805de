/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, where `document` exists.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeHtml, renderHtmlReport, reportFigures, type ReportInput } from '../../src/report/html-report.ts';
import { plotText } from '../../src/report/report-figures.ts';
import { classificationReport } from '../../src/train/metrics.ts';
import { chromiumOrReason, openReport } from '../helpers/report-browser.ts';

// Names a data set could carry, meant to break a page that does not escape them.
const HOSTILE_CLASS = '<img src=x onerror="alert(1)">';
const HOSTILE_VARIANT = '</script><script>alert(2)</script>';
const CLASSES = ['jump', 'hop', HOSTILE_CLASS];
const history = (n: number, start: number) =>
  Array.from({ length: n }, (_, e) => ({
    epoch: e + 1,
    learningRate: 0.001,
    loss: start / (e + 1),
    valLoss: start / (e + 1) + 0.2,
    valAccuracy: 0.5,
  }));
const fold = (variant: string, f: number, fraction: number, predicted: number[]) => ({
  variant,
  fold: f,
  trainFraction: fraction,
  history: history(5 + f, 2),
  report: classificationReport([0, 0, 1, 1, 2, 2], predicted, CLASSES),
});

function input(): ReportInput {
  return {
    title: `jumping-error: <run & "id">`,
    description: 'A report <b>test</b>',
    facts: [
      ['data set', 'synthetic {"a":"<x>"}'],
      ['seed', '7'],
    ],
    table: { head: ['variant', 'accuracy %'], rows: [[HOSTILE_VARIANT, '50.0 ± 1.0']], note: 'note' },
    focusClasses: ['jump'],
    folds: [
      fold('fraction=0.5', 0, 0.5, [0, 1, 1, 1, 2, 0]),
      fold('fraction=0.5', 1, 0.5, [0, 0, 1, 1, 2, 2]),
      fold('fraction=1', 0, 1, [0, 0, 1, 1, 2, 2]),
      fold('fraction=1', 1, 1, [0, 0, 1, 0, 2, 2]),
      fold(HOSTILE_VARIANT, 0, 1, [1, 0, 1, 1, 2, 2]),
    ],
    labelWithoutFraction: (v) => v.replace(/(^| )fraction=[^ ]+/, '').trim(),
    skipped: [{ id: 'clip<1>', reason: 'cannot decode <video>' }],
  };
}

const Report = suite('HTML report');

Report('escapes every text from the run, in the page and in the figures', () => {
  assert.is(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.is(plotText('<b>jump</b> & co'), '&lt;b&gt;jump&lt;/b&gt; &amp; co');
  const html = renderHtmlReport(input());
  const body = html.slice(html.indexOf('<body>'), html.indexOf('<script>'));
  assert.not.ok(body.includes('<img'), 'no image element from a class name');
  assert.not.ok(body.includes('<b>test'), 'the description is text');
  assert.ok(body.includes('&lt;/script&gt;&lt;script&gt;alert(2)'));
  const data = html.slice(html.indexOf('<script type="application/json"'));
  assert.not.ok(
    /<\/script><script>alert/.test(data.slice(0, data.indexOf('</script>') + 9)),
    'the figure data cannot close its script element',
  );
});

Report('figures: comparison, class error, training size, learning curves, one confusion matrix per variant', () => {
  const ids = reportFigures(input()).map((f) => f.id);
  assert.equal(ids, [
    'variant-comparison',
    'class-error',
    'training-size',
    'learning-curves',
    'confusion-1',
    'confusion-2',
    'confusion-3',
  ]);
  const oneFraction = { ...input(), folds: input().folds.filter((f) => f.trainFraction === 1) };
  assert.not.ok(
    reportFigures(oneFraction).some((f) => f.id === 'training-size'),
    'no training-size curve without several sizes',
  );
});

Report(
  'in a real browser: every plot drawn, no console error, no script from the data ran; screenshot saved',
  async () => {
    const browser = await chromiumOrReason();
    if ('reason' in browser) {
      console.log(`  skipped the browser check: ${browser.reason}`);
      return;
    }
    const file = join(mkdtempSync(join(tmpdir(), 'mf-report-')), 'report.html');
    writeFileSync(file, renderHtmlReport(input()));
    const check = await openReport(browser.path, file, 'html-report-test', () => ({
      images: document.querySelectorAll('img').length,
      cell: document.querySelector('tbody td')?.textContent,
      focusShaded: document.querySelectorAll('#class-error .shapelayer path').length,
      ticks: Array.from(document.querySelectorAll('#class-error .xtick text'), (t) => t.textContent),
    }));
    assert.equal(check.errors, []);
    assert.equal(check.dialogs, [], 'no alert ran');
    assert.is(check.plots, 7);
    assert.is(check.plotted, 7);
    assert.is(check.drawn, 7, 'every plot has its SVG');
    const probe = check.probe as { images: number; cell: string; focusShaded: number; ticks: string[] };
    assert.is(probe.images, 0);
    assert.is(probe.cell, HOSTILE_VARIANT, 'shown as written');
    assert.ok(probe.focusShaded >= 1, 'the focus class is shaded');
    assert.equal(probe.ticks, ['jump', 'hop', HOSTILE_CLASS], 'class names drawn as written, focus class first');
    console.log(`  screenshot: ${check.screenshot}`);
  },
);

Report.run();
