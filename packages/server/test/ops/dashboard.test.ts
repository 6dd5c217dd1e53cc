import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/ops/metrics.ts';

const root = resolve(import.meta.dirname, '../../../..');

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

function load(path: string): { title: string; panels: Panel[] } {
  return JSON.parse(readFileSync(join(root, path), 'utf8'));
}

const dashboard = load('ops/grafana/tenure-dashboard.json');
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
const expressions = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));

/** `tenure_*` series names a PromQL text refers to, histogram suffixes mapped to their metric. */
function referencedMetrics(text: string): Set<string> {
  return new Set(
    [...text.matchAll(/\btenure_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')),
  );
}

describe('Grafana dashboard', () => {
  it('shows every "metric to track" from the feature description', () => {
    const titles = panels.map((panel) => panel.title);
    for (const title of [
      'Session creation rate',
      'Session expiration rate',
      'Refresh success / failure',
      'Average session duration',
      'Devices per user',
      'Revocation frequency by reason',
      'Activity pattern by hour of day',
    ]) {
      expect(titles).toContain(title);
    }
  });

  it('queries only metrics the server exports', async () => {
    const families = await createMetrics().registry.getMetricsAsJSON();
    const exported = new Map(families.map((family) => [family.name, String(family.type)]));
    const referenced = referencedMetrics(expressions.join('\n'));
    expect(referenced.size).toBeGreaterThan(10);
    expect([...referenced].filter((name) => !exported.has(name))).toEqual([]);
    // _bucket/_sum/_count only exist for histograms.
    for (const [, name] of expressions.join('\n').matchAll(/\b(tenure_[a-z0-9_]+)_(?:bucket|sum)\b/g)) {
      expect(exported.get(name!), name).toBe('histogram');
    }
  });

  it('has unique panel ids and a query on every panel', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it('alert rules also refer only to exported metrics', async () => {
    const families = await createMetrics().registry.getMetricsAsJSON();
    const exported = new Set(families.map((family) => family.name));
    const rules = readFileSync(join(root, 'ops/prometheus/alerts.yml'), 'utf8');
    expect([...referencedMetrics(rules)].filter((name) => !exported.has(name))).toEqual([]);
  });

  const promtool = !spawnSync('promtool', ['--version']).error;
  it.runIf(promtool)('every panel query is valid PromQL (checked by promtool as recording rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenure-dashboard-'));
    try {
      const rules = expressions.map((expr, i) => {
        const promql = expr
          .replaceAll('$__rate_interval', '5m')
          .replaceAll('$__range', '1d')
          .replaceAll('$job', '.*');
        return `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(promql)}`;
      });
      const file = join(dir, 'dashboard-rules.yml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const result = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
      expect(`${result.stdout}${result.stderr}`).toContain(`SUCCESS: ${expressions.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
