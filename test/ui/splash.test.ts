// The plain first frame painted before ink loads: same words as the UI's connecting screen.
import { describe, expect, it } from 'vitest';
import { splashFrame } from '../../src/ui/splash.js';
import { messages } from '../../src/ui/messages.js';

const visible = (raw: string) => raw.replace(/\x1b\[[?0-9;]*[a-zA-Z]/g, '');

describe('splash', () => {
  it('enters the alternate screen, homes the cursor and says what the UI is about to do', () => {
    const raw = splashFrame('en', true, 'ignored');
    expect(raw.startsWith('\x1b[?1049h\x1b[H\x1b[2J')).toBe(true);
    expect(visible(raw).split('\r\n')).toEqual(['egress-tutorial', `  ${messages('en').startingPractice}`, '']);
  });

  it('names the kube target, in Chinese too, with no spinner glyph', () => {
    const en = visible(splashFrame('en', false, 'context kind-istio (https://127.0.0.1:6443)'));
    expect(en).toContain('Connecting to context kind-istio (https://127.0.0.1:6443)…');
    const zh = visible(splashFrame('zh', false, '上下文 kind'));
    expect(zh).toContain(messages('zh').connectingTo('上下文 kind'));
    expect(en + zh).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  });
});
