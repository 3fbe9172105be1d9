import { describe, expect, it, vi } from 'vitest';
import stringWidth from 'string-width';
import { joinSoftBreaks } from '../../src/ui/markdown.js';
import { padTo, stripAnsi, truncate, wrap } from '../../src/ui/text.js';
import { noColorRequested } from '../../src/ui/theme.js';
import { throttle } from '../../src/ui/throttle.js';

describe('wrap', () => {
  it('breaks English at spaces and keeps every row within the width', () => {
    const rows = wrap('The egress gateway is the one place where traffic leaves the mesh.', 20);
    expect(rows).toEqual(['The egress gateway', 'is the one place', 'where traffic leaves', 'the mesh.']);
  });

  it('breaks CJK between characters, counting two cells each', () => {
    const rows = wrap('默认情况下离开网格的流量会直接出去', 10);
    expect(rows).toEqual(['默认情况下', '离开网格的', '流量会直接', '出去']);
    for (const row of rows) expect(stringWidth(row)).toBeLessThanOrEqual(10);
  });

  it('keeps closing punctuation off the start of a row and opening brackets off its end', () => {
    const rows = wrap('我们创建它时没写命名空间，没有问题', 24);
    expect(rows).toEqual(['我们创建它时没写命名空', '间，没有问题']); // the comma takes 间 along
    expect(wrap('日志里的响应标志（NC）', 18)).toEqual(['日志里的响应标志', '（NC）']); // （ goes down with NC
  });

  it('mixes CJK and Latin words without overflowing', () => {
    for (const row of wrap('通过 egress gateway 访问 httpbin.org 的请求会出现在网关日志中', 13)) expect(stringWidth(row)).toBeLessThanOrEqual(13);
  });

  it('hard-breaks a word longer than the row', () => {
    expect(wrap('outbound|80||httpbin.org', 10)).toEqual(['outbound|8', '0||httpbin', '.org']);
  });

  it('keeps blank lines and leading indentation', () => {
    expect(wrap('a\n\n  b', 10)).toEqual(['a', '', '  b']);
  });

  it('closes a style at the end of a row and reopens it on the next', () => {
    const rows = wrap('\x1b[1mbold words here\x1b[22m plain', 10);
    expect(rows.map(stripAnsi)).toEqual(['bold words', 'here plain']);
    expect(rows[0]).toBe('\x1b[1mbold words\x1b[0m');
    expect(rows[1].startsWith('\x1b[1mhere')).toBe(true);
  });

  it('hangs continuation rows under the text of list items and indented lines', () => {
    expect(wrap('  * first item wraps here', 14)).toEqual(['  * first item', '    wraps here']);
    expect(wrap('1. one two three', 10)).toEqual(['1. one two', '   three']);
    expect(wrap('-A1 outboundTrafficPolicy x', 20)).toEqual(['-A1', 'outboundTrafficPolic', 'y x']);
  });

  it('does not count escapes as width', () => {
    expect(wrap('\x1b[36mkind:\x1b[39m \x1b[31mPod\x1b[39m', 9).map(stripAnsi)).toEqual(['kind: Pod']);
  });
});

describe('joinSoftBreaks', () => {
  it('joins prose lines with a space, CJK lines with nothing', () => {
    expect(joinSoftBreaks('one\ntwo')).toBe('one two');
    expect(joinSoftBreaks('定义了两条 HTTP 路\n由：')).toBe('定义了两条 HTTP 路由：');
    expect(joinSoftBreaks('的 Service\n子集')).toBe('的 Service 子集');
  });
});

describe('truncate and padTo', () => {
  it('cuts by cells and marks the cut', () => {
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(truncate('中文字符测试', 7)).toBe('中文字…');
    expect(stringWidth(truncate('中文字符测试', 7))).toBeLessThanOrEqual(7);
    expect(truncate('short', 10)).toBe('short');
  });

  it('pads wide text to an exact width', () => {
    expect(stringWidth(padTo('离开网格', 12))).toBe(12);
    expect(stringWidth(padTo('离开网格的路很长很长', 9))).toBe(9);
  });
});

describe('NO_COLOR', () => {
  it('counts only a non-empty value', () => {
    expect(noColorRequested({ NO_COLOR: '1' })).toBe(true);
    expect(noColorRequested({ NO_COLOR: '' })).toBe(false);
    expect(noColorRequested({})).toBe(false);
  });
});

describe('throttle', () => {
  it('turns a burst of calls into one call, and a later burst into one more', () => {
    vi.useFakeTimers();
    try {
      const fn = vi.fn();
      const t = throttle(fn, 50);
      for (let i = 0; i < 100; i++) t();
      expect(fn).toHaveBeenCalledTimes(0);
      vi.advanceTimersByTime(1);
      expect(fn).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 100; i++) t();
      vi.advanceTimersByTime(10);
      expect(fn).toHaveBeenCalledTimes(1); // still inside the interval
      vi.advanceTimersByTime(50);
      expect(fn).toHaveBeenCalledTimes(2);
      t();
      t.cancel();
      vi.advanceTimersByTime(100);
      expect(fn).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
