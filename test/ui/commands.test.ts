import { describe, expect, it } from 'vitest';
import { clipboardLikely, commandRows, continueLine, osc52, shellWords } from '../../src/ui/commands.js';

describe('the equivalent commands as rows', () => {
  it('splits words outside quotes only', () => {
    expect(shellWords(`kubectl exec deploy/curl -- curl -H 'x-request-id: abc def' "a b" c\\ d`)).toEqual(['kubectl', 'exec', 'deploy/curl', '--', 'curl', '-H', `'x-request-id: abc def'`, '"a b"', 'c\\ d']);
  });

  it('continues a long line with " \\" and an indent; a short one stays whole', () => {
    expect(continueLine('kubectl get pods', 40)).toEqual(['kubectl get pods']);
    const rows = continueLine(`kubectl exec deploy/curl -c curl -n default -- curl -H 'x-request-id: egress-tutorial-1' -sSL http://httpbin.org/headers`, 50);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows.slice(0, -1)) expect(r.endsWith(' \\')).toBe(true);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(50);
    expect(rows.slice(1).every((r) => r.startsWith('  '))).toBe(true);
    expect(rows.join('\n')).toContain(`'x-request-id: egress-tutorial-1'`);
  });

  it('wraps comments as comments and leaves a heredoc body alone', () => {
    const rows = commandRows(['# a comment that is long enough to wrap at a narrow width for sure', 'kubectl apply -f - <<EOF\nkind: ServiceAccount\nmetadata:\n  name: curl\nEOF'], 30);
    const comment = rows.slice(0, rows.indexOf('kubectl apply -f - <<EOF'));
    expect(comment.length).toBeGreaterThan(1);
    expect(comment.every((r) => r.startsWith('# '))).toBe(true);
    expect(rows.slice(-4)).toEqual(['kind: ServiceAccount', 'metadata:', '  name: curl', 'EOF']);
  });

  it('OSC 52 carries the text in base64; only a real terminal that is not dumb is asked', () => {
    expect(osc52('kubectl get pods')).toBe(`\x1b]52;c;${Buffer.from('kubectl get pods').toString('base64')}\x07`);
    expect(clipboardLikely({ isTTY: true }, { TERM: 'tmux-256color' })).toBe(true);
    expect(clipboardLikely({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(clipboardLikely({ isTTY: false }, { TERM: 'xterm' })).toBe(false);
  });
});
