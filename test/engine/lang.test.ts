import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import { engineMessages } from '../../src/engine/messages.js';
import { memoryProgressStore } from '../../src/progress/index.js';
import { diagnose, parseCurlOutput } from '../../src/verify/index.js';
import { FakePort, lessonSet } from './fixtures.js';

describe('sentences follow the learner’s language', () => {
  it('verdicts and diagnoses in Chinese after setLang("zh")', async () => {
    const port = new FakePort();
    port.execScript = () => ({ exitCode: 0, stdout: 'HTTP/1.1 404 Not Found\r\n\r\n', stderr: '' });
    const engine = createEngine({ lessons: lessonSet(), port, progress: memoryProgressStore(), lang: 'en', namespace: 'default', istioNamespace: 'istio-system', verifyTimeoutMs: 50 });
    engine.setLang('zh');
    engine.openLesson('02-http', 'curl');
    const verdict = await engine.run();
    expect(verdict.summary).toBe('得到 HTTP 404，预期 HTTP 200');
    expect(verdict.diagnosis).toMatch(/网关与虚拟服务不匹配/);
    engine.setLang('en');
    engine.openLesson('02-http', 'se');
    expect((await engine.run()).summary).toBe('Applied 1 object (1 changed).');
    engine.dispose();
  });

  it('both tables have every sentence', () => {
    const en = engineMessages('en');
    const zh = engineMessages('zh');
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    expect(zh.removed(2, 1)).toBe('已删除 2 个对象；1 个不是本教程创建的对象未动。');
  });

  it('diagnoses in Chinese', () => {
    const text = diagnose({ curl: parseCurlOutput('', 'curl: (6) Could not resolve host: h\n', 6), host: 'h', lang: 'zh', changing: true });
    expect(text).toBe('超时时结果仍在变化，Istio 可能还没有下发完配置：按 Enter 重试。curl 无法解析 h：检查主机名（可用 --set 换一个），并确认集群节点有 DNS 和外网访问。');
  });
});
