// Issue 16 item 9: on a cluster that serves networking.istio.io only as v1alpha3, the equivalent
// commands show the manifests as applied (v1alpha3), and several failed checks' hints each get
// their own line.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import { withServedVersions } from '../../src/engine/kubectl.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { defaultLessonsDir, loadLessonSet } from '../../src/lesson/index.js';
import { FakePort } from './fixtures.js';

describe('served versions in the equivalent commands', () => {
  it('rewrites only the served groups, keeping quotes and indentation', () => {
    const text = 'apiVersion: networking.istio.io/v1\nkind: Gateway\n---\napiVersion: "networking.istio.io/v1"\n---\napiVersion: apps/v1\n  apiVersion: telemetry.istio.io/v1\n';
    expect(withServedVersions(text, { 'networking.istio.io': 'v1alpha3' })).toBe(
      'apiVersion: networking.istio.io/v1alpha3\nkind: Gateway\n---\napiVersion: "networking.istio.io/v1alpha3"\n---\napiVersion: apps/v1\n  apiVersion: telemetry.istio.io/v1\n',
    );
  });

  it('the engine shows an apply step with the version the cluster serves', async () => {
    const port = new FakePort();
    Object.assign(port, { servedVersion: async (group: string) => (group === 'networking.istio.io' ? 'v1alpha3' : 'v1') });
    const { set } = loadLessonSet(defaultLessonsDir(), { namespace: 'default', istioNamespace: 'istio-system' });
    const engine = createEngine({ lessons: set!, port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system' });
    const apply = engine.snapshot().lessons.flatMap((l) => l.steps).find((s) => s.kind === 'apply' && s.manifests.some((m) => /networking\.istio\.io/.test(m.yaml)))!;
    for (let i = 0; i < 50 && !engine.kubectlFor(apply).join('\n').includes('v1alpha3'); i++) await new Promise((r) => setTimeout(r, 5));
    const shown = engine.kubectlFor(apply).join('\n');
    expect(shown).toMatch(/apiVersion: networking\.istio\.io\/v1alpha3/);
    expect(shown).not.toMatch(/apiVersion: networking\.istio\.io\/v1\n/);
    engine.dispose();
  });
});
