import { describe, expect, it } from 'vitest';
import { getRenderer } from '../../src/ui/markdown.js';
import { stripAnsi } from '../../src/ui/text.js';

describe('markdown renderer', () => {
  it('renders inline Markdown inside tight list items (no literal ** or backticks)', () => {
    const out = stripAnsi(getRenderer().markdown('1. **Allow any host.** Mesh `ALLOW_ANY`\n2. two *em*\n\n* **bold** item'));
    expect(out).toContain('Allow any host.');
    expect(out).not.toContain('**');
    expect(out).toContain('bold item');
  });

  it('keeps long lines unwrapped (ink wraps, CJK-aware) and Chinese intact', () => {
    const line = '默认情况下，离开网格的流量会直接出去。'.repeat(10);
    expect(stripAnsi(getRenderer().markdown(line))).toBe(line);
  });

  it('prints :name: as written, never as an emoji (ports, hosts and YAML have colons)', () => {
    const out = stripAnsi(getRenderer().markdown('Port :smile: and :80: stay as they are.'));
    expect(out).toContain('Port :smile: and :80: stay as they are.');
  });

  it('highlights YAML without adding indentation', () => {
    const out = stripAnsi(getRenderer().yaml('apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n'));
    expect(out.split('\n')).toEqual(['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: x']);
  });
});
