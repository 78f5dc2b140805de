/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, where `document` exists.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { renderGradCamStrip } from '../../src/report/grad-cam-strip.ts';
import { renderHtmlReport, type ReportInput } from '../../src/report/html-report.ts';
import { jumpingErrorSection, type JumpingSectionInput } from '../../src/report/jumping-error-section.ts';
import { chromiumOrReason, openReport } from '../helpers/report-browser.ts';
import { explanations, sectionFolds } from './jumping-fixture.ts';

const Section = suite('jumping-error section');
const withoutFraction = (v: string) => v.replace(/(^| )fraction=[^ ]+/, '').trim();

async function sectionInput(): Promise<JumpingSectionInput> {
  const png = await renderGradCamStrip({
    title: 'd: jump, predicted hop',
    frames: new Uint8Array(2 * 8 * 8 * 3).fill(90),
    count: 2,
    size: 8,
    rows: [{ label: 'key frames' }, { label: 'Grad-CAM', maps: new Float32Array(128).fill(0.8) }],
  });
  return {
    focusClasses: ['jump', 'hop'],
    folds: sectionFolds(),
    explained: [{ variant: 'fused fraction=1', explanations: [explanations('d.png')] }],
    images: new Map([['fused fraction=1/0/d.png', `data:image/png;base64,${png.toString('base64')}`]]),
    maxShown: 8,
    labelWithoutFraction: withoutFraction,
  };
}

Section('one block per focus class, each figure with its element; a class without misses says so', async () => {
  const { html, figures } = jumpingErrorSection(await sectionInput());
  assert.equal(
    figures.map((f) => f.id),
    ['jumping-1-phase', 'jumping-1-size', 'jumping-1-miss-1', 'jumping-2-size'],
    'hop has no explained sample: no phase plot, no miss',
  );
  for (const f of figures) assert.ok(html.includes(`id="${f.id}"`), f.id);
  assert.ok(html.includes('No miss of hop was drilled into.'));
});

Section('a class the preferred variant never missed is drilled into in the variant that missed it', async () => {
  const input = await sectionInput();
  const clean = explanations(undefined);
  clean.samples = clean.samples.map((x) => ({ ...x, predicted: x.truth }));
  clean.misses = [];
  const { html } = jumpingErrorSection({
    ...input,
    explained: [{ variant: 'video-only fraction=1', explanations: [clean] }, ...input.explained],
  });
  assert.ok(
    html.includes('Variant <b>fused fraction=1</b> (1 folds explained), since video-only fraction=1 missed no jump'),
  );
  assert.ok(html.includes('data-sample="d"'), "the other variant's miss is drawn");
});

Section('in a real browser: every part of the section renders; screenshot saved', async () => {
  const browser = await chromiumOrReason();
  if ('reason' in browser) {
    console.log(`  skipped the browser check: ${browser.reason}`);
    return;
  }
  const section = jumpingErrorSection(await sectionInput());
  const input: ReportInput = {
    title: 'jumping-error: test',
    facts: [],
    table: { head: ['variant'], rows: [], note: '' },
    focusClasses: ['jump', 'hop'],
    folds: [],
    labelWithoutFraction: withoutFraction,
    skipped: [],
    extraSections: [section],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'mf-jumping-')), 'report.html');
  writeFileSync(file, renderHtmlReport(input));
  const check = await openReport(browser.path, file, 'jumping-error-section-test', () => {
    const jump = document.querySelector('.jumping-class[data-focus="jump"]');
    const img = jump?.querySelector('img.gradcam') as HTMLImageElement | null;
    return {
      blocks: document.querySelectorAll('#jumping-error .jumping-class').length,
      partners: jump?.querySelectorAll('table.jumping-partners tbody tr').length,
      firstPartner: jump?.querySelector('table.jumping-partners tbody td')?.textContent,
      phases: jump?.querySelectorAll('table.jumping-phase tbody tr').length,
      modalities: jump?.querySelectorAll('table.jumping-modalities tbody tr').length,
      attribution: Array.from(
        jump?.querySelectorAll('table.jumping-attribution tbody tr td:first-child') ?? [],
        (t) => t.textContent,
      ),
      metrics: jump?.querySelectorAll('table.jumping-metrics tbody tr').length,
      misses: jump?.querySelectorAll('.miss').length,
      image: img === null || img === undefined ? 0 : img.naturalWidth,
      truthRow: jump?.querySelector('.miss tr.truth td')?.textContent,
      attentionNote: jump?.querySelector('.miss p.attention')?.textContent,
      missTraces: document.querySelectorAll('#jumping-1-miss-1 .scatterlayer .trace').length,
      missLines: document.querySelectorAll('#jumping-1-miss-1 .shapelayer path').length,
    };
  });
  assert.equal(check.errors, []);
  // The report's own two (variants, class error; empty here) and the section's four.
  assert.is(check.plots, 6);
  assert.is(check.drawn, 6, 'every plot has its SVG');
  const p = check.probe as Record<string, unknown>;
  assert.is(p['blocks'], 2);
  assert.is(p['partners'], 1, 'jump was taken for hop only');
  assert.is(p['firstPartner'], 'hop');
  assert.is(p['phases'], 4);
  assert.is(p['modalities'], 2, 'the two variants at the full training set');
  assert.equal(p['attribution'], ['every modality (fused)', 'without video', 'without imu']);
  assert.is(p['metrics'], 1 + 6, 'detected counts and six metrics');
  assert.is(p['misses'], 1);
  assert.ok((p['image'] as number) > 0, 'the Grad-CAM strip loaded');
  assert.is(p['truthRow'], 'jump (true)');
  assert.is(p['attentionNote'], 'Attention per step: video 0.50 0.50.', 'a modality without times listed');
  // |acc|, detected take-off and landing, true take-off and landing, IMU attention.
  assert.is(p['missTraces'], 6);
  // Two detected and two true event lines, and the window.
  assert.is(p['missLines'], 5);
  console.log(`  screenshot: ${check.screenshot}`);
});

Section.run();
