// The interactive UI: renders engine snapshots and turns key presses into engine intents.
// It makes no cluster calls; everything goes through the Engine it is handed by `connect`.

import { Box, useApp, useInput, useStdin, useStdout, type Key } from 'ink';
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Engine, ResetScope } from '../engine/types.js';
import type { Lang } from '../lesson/model.js';
import { clipboardLikely, osc52 } from './commands.js';
import { Activity, Line, Rows, StatusBar, statusText } from './frame.js';
import { useEngineSnapshot, useRenderer, useTerminalSize, type RendererLoader } from './hooks.js';
import { decideKey, type ConfirmAction, type Intent, type KeyContext, type Overlay, type Screen } from './keys.js';
import { messages, type Messages } from './messages.js';
import { confirmText, errorSentence, fitHints, fixableCheck, helpRows, lessonDoneRows, lessonListRows, lessonPosition, pendingPrediction, predictRows, resumeTarget, stepHints, stripMarks } from './screens.js';
import { diagramRows, diagramTrace, traceRows } from './traceView.js';
import type { Trace } from '../trace/index.js';
import { equivalentRows } from './equivalentView.js';
import { predictMessages } from '../predict/index.js';
import { DrillScreen } from './drill.js';
import { drillMenuRows, type DrillEntry, type DrillMenu, type OpenedDrill } from './drillMenu.js';
import { buildStepResult, buildStepText, clampOffset, combineStepView, practiceKubeconfig, ruleRow, titleRow, type Row } from './stepView.js';
import { stripAnsi, truncate, wrap } from './text.js';
import { createTheme, noColorRequested, ThemeContext, type Role } from './theme.js';

export type Backend = 'kube' | 'practice';

export interface AppProps {
  lang: Lang;
  preferPractice: boolean;
  connect(backend: Backend): Promise<Engine>;
  warnings: string[];
  describeTarget: string;
  /** No colours or styles (default: NO_COLOR from the environment). */
  plain?: boolean;
  /** How the Markdown renderer (marked + marked-terminal) is loaded, after the first frame. */
  loadRenderer: RendererLoader;
  /** Called once with the exit code when the learner quits. */
  onExit?(code: number): void;
  /** Where `c` copies to (default: OSC 52 on the terminal) and where `C` prints plainly (default: above the frame). */
  clipboard?: Clipboard;
  /** The break-fix drills, for the lesson list's drill menu (absent: no menu entry). */
  drills?: DrillMenu;
}

export interface Clipboard {
  /** The terminal is likely to take OSC 52; when not, `c` prints instead. */
  available: boolean;
  copy(text: string): void;
  print(text: string): void;
}

type Connection = { state: 'connecting'; backend: Backend } | { state: 'failed'; backend: Backend; message: string } | { state: 'ready'; engine: Engine };

/** A footer notice; worded when shown, so a language switch re-words it. */
interface Notice {
  say: (m: Messages) => string;
  role?: Role;
}

export function App(props: AppProps): React.JSX.Element {
  const plain = props.plain ?? noColorRequested();
  const theme = useMemo(() => createTheme(plain), [plain]);
  return (
    <ThemeContext.Provider value={theme}>
      <Main {...props} plain={plain} />
    </ThemeContext.Provider>
  );
}

function Main(props: AppProps & { plain: boolean }): React.JSX.Element {
  const { plain } = props;
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout, write } = useStdout();
  const clipboard: Clipboard = props.clipboard ?? {
    available: clipboardLikely(stdout),
    copy: (text) => stdout.write(osc52(text)),
    print: (text) => write(`${text}\n`),
  };
  const { columns: width, rows: height } = useTerminalSize();
  const renderer = useRenderer(props.loadRenderer);

  const [conn, setConn] = useState<Connection>({ state: 'connecting', backend: props.preferPractice ? 'practice' : 'kube' });
  const engine = conn.state === 'ready' ? conn.engine : undefined;
  const snapshot = useEngineSnapshot(engine);
  const [localLang, setLocalLang] = useState<Lang>(props.lang);
  const lang = snapshot?.lang ?? localLang;
  const m = messages(lang);

  const [screen, setScreen] = useState<Screen>('connecting');
  const [overlay, setOverlay] = useState<Overlay>({ kind: 'none' });
  const [listCursor, setListCursor] = useState(0);
  const [visitedStep, setVisitedStep] = useState(false);
  const [dismissedWarnings, setDismissedWarnings] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<Notice | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const [dryRun, setDryRun] = useState<{ text?: string; error?: string }>({});
  const [scrollState, setScrollState] = useState({ step: '', offset: 0, follow: false });
  const [dryScroll, setDryScroll] = useState(0);
  const [traceScroll, setTraceScroll] = useState(0);
  const [equivScroll, setEquivScroll] = useState(0);
  const [traceNone, setTraceNone] = useState(false);
  /** The last settled trace of each lesson: its explain steps' diagrams show it lit. */
  const [litTraces, setLitTraces] = useState<Record<string, Trace>>({});
  const [drillList, setDrillList] = useState<{ drills: DrillEntry[]; problem?: string } | undefined>();
  const [drillCursor, setDrillCursor] = useState(0);
  const [openedDrill, setOpenedDrill] = useState<OpenedDrill | undefined>();
  const [drillRefusal, setDrillRefusal] = useState<string | undefined>();
  const quitting = useRef(false);
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  // Connect after the first frame is on screen.
  useEffect(() => {
    if (conn.state !== 'connecting') return undefined;
    let current = true;
    const timer = setTimeout(() => {
      props.connect(conn.backend).then(
        (connected) => {
          if (!current || quitting.current) {
            connected.dispose();
            return;
          }
          const first = connected.snapshot();
          setConn({ state: 'ready', engine: connected });
          setListCursor(first.lessonIndex);
          setScreen(first.canResume && resumeTarget(first) ? 'resume' : 'list');
        },
        (error: unknown) => {
          if (!current) return;
          setConn({ state: 'failed', backend: conn.backend, message: errorSentence(error, messages(lang).unknownError) });
          setScreen('failed');
        },
      );
    }, 0);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [conn]);

  // A new step starts at its top: the scroll position belongs to the step it was set on (derived,
  // not reset in an effect, so a key pressed right after a step change is not overridden).
  const stepKey = snapshot ? `${snapshot.lessonIndex}:${snapshot.stepIndex}` : '';
  const scroll = scrollState.step === stepKey ? scrollState : { step: stepKey, offset: 0, follow: false };
  const setScroll = (next: { offset: number; follow: boolean } | ((s: { offset: number; follow: boolean }) => { offset: number; follow: boolean })) =>
    setScrollState((prev) => {
      const base = prev.step === stepKey ? prev : { step: stepKey, offset: 0, follow: false };
      return { step: stepKey, ...(typeof next === 'function' ? next(base) : next) };
    });

  // Layout: header, body, footer (activity / prompt / notice), status bar, hints — rows-1 in all,
  // so ink never clears the whole screen.
  // The step screen pins the step's title above its body.
  const bodyHeight = Math.max(3, height - 5 - (screen === 'step' ? 1 : 0));
  const logLimit = Math.max(3, bodyHeight - 6);

  const kubectl = useMemo(() => {
    if (!engine || !snapshot) return [];
    try {
      return engine.kubectlFor(snapshot.step);
    } catch {
      return [];
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
    // The phase too: after a run the command shows the x-request-id that was sent.
  }, [engine, snapshot?.step, snapshot?.lang, snapshot?.stepState.phase]);

  // The step's text is wrapped once per step/language/width; only the result follows the snapshot
  // (many times a second while logs stream).
  const step = snapshot?.step;
  const kubeconfig = practiceKubeconfig(snapshot);
  const lessonTrace = snapshot?.stepState.trace;
  const lessonId = snapshot?.lesson.id;
  useEffect(() => {
    if (lessonId && lessonTrace?.settled && lessonTrace.hops.some((h) => h.id !== 'client' && h.lit)) setLitTraces((all) => (all[lessonId] === lessonTrace ? all : { ...all, [lessonId]: lessonTrace }));
  }, [lessonId, lessonTrace]);
  const diagram = useMemo(() => {
    if (!snapshot || step?.kind !== 'explain' || !step.diagram) return undefined;
    const gatewayNamespace = snapshot.gateway === 'own' ? snapshot.namespace : snapshot.istioNamespace;
    const trace = diagramTrace({ diagram: step.diagram, lessons: snapshot.lessons, lessonId: snapshot.lesson.id, clientNamespace: snapshot.namespace, gatewayNamespace, ...(litTraces[snapshot.lesson.id] ? { lit: litTraces[snapshot.lesson.id] } : {}) });
    return trace ? diagramRows(trace, lang, width) : undefined;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [step, lang, width, litTraces, snapshot?.lesson.id, snapshot?.namespace, snapshot?.gateway]);
  const textRows = useMemo(
    () => (step && screen === 'step' ? buildStepText({ step, lang, kubectl, renderer, width, plain, practiceKubeconfig: kubeconfig, ...(diagram ? { diagram } : {}) }) : []),
    [step, lang, screen, kubectl, renderer, width, plain, kubeconfig, diagram],
  );
  const view = useMemo(
    () => (snapshot && screen === 'step' ? combineStepView(textRows, buildStepResult({ snapshot, width, plain, logRows: logLimit })) : undefined),
    [snapshot, screen, textRows, width, plain, logLimit],
  );
  const maxOffset = view ? Math.max(0, view.rows.length - bodyHeight) : 0;
  const offset = scroll.follow ? maxOffset : clampOffset(scroll.offset, view?.rows.length ?? 0, bodyHeight);

  const dryRows = useMemo(() => {
    if (overlay.kind !== 'dry-run') return [];
    const rows: Row[] = [ruleRow(overlay.again ? m.againTitle : m.dryRunTitle, width)];
    if (dryRun.error) rows.push(...wrap(m.dryRunFailed(dryRun.error), width).map((text) => ({ text, role: 'fail' as Role })));
    if (dryRun.text !== undefined) {
      const text = renderer ? renderer.yaml(dryRun.text) : dryRun.text;
      rows.push(...wrap(plain ? stripAnsi(text) : text, width).map((t) => ({ text: t })));
    }
    return rows;
  }, [overlay, dryRun, renderer, width, plain, m]);
  const dryOffset = clampOffset(dryScroll, dryRows.length, bodyHeight);
  const shownTrace = overlay.kind === 'trace' ? snapshot?.stepState.trace : undefined;
  const tracedRows = useMemo(() => (overlay.kind === 'trace' ? traceRows(shownTrace, lang, m, width, traceNone) : []), [overlay, shownTrace, lang, m, width, traceNone]);
  const traceOffset = clampOffset(traceScroll, tracedRows.length, bodyHeight);
  const shownEquivalent = overlay.kind === 'equivalent' && snapshot?.step.kind === 'apply' ? snapshot.step.equivalent : undefined;
  const equivRows = useMemo(() => (shownEquivalent ? equivalentRows(shownEquivalent, lang, m, width, plain, renderer) : []), [shownEquivalent, lang, m, width, plain, renderer]);
  const equivOffset = clampOffset(equivScroll, equivRows.length, bodyHeight);

  const quit = (code: number) => {
    if (quitting.current) return;
    quitting.current = true;
    engine?.dispose(); // stops streams and timers; progress is saved as it changes
    props.onExit?.(code);
    exit();
  };

  const follow = () => setScroll((s) => ({ ...s, follow: true }));
  const track = (work: Promise<unknown>) => {
    work.catch((error: unknown) => live.current && setNotice({ say: (mm) => errorSentence(error, mm.unknownError), role: 'fail' }));
  };

  const doReset = (scope: ResetScope) => {
    if (!engine) return;
    setBusy(m.resetting);
    engine.reset(scope).then(
      (report) => {
        if (!live.current) return;
        const removed = report.removed.filter((r) => r.result === 'deleted').length;
        setNotice({ say: (mm) => mm.resetDone(removed), role: 'pass' });
        // The engine moved: a lesson reset to its first step; everything to the list, lesson 1 current.
        if (scope !== 'lesson') {
          setListCursor(0);
          setScreen('list');
        } else setScreen('step');
      },
      (error: unknown) => live.current && setNotice({ say: (mm) => mm.resetFailed(errorSentence(error, mm.unknownError)), role: 'fail' }),
    ).finally(() => live.current && setBusy(undefined));
  };

  const confirmed = (action: ConfirmAction) => {
    setOverlay({ kind: 'none' });
    if (!engine) return;
    switch (action.type) {
      case 'run':
        follow();
        track(engine.run());
        break;
      case 'take-over':
        follow();
        track(engine.resolveConflict(true));
        break;
      case 'fix':
        follow();
        track(engine.applyFix(action.check));
        break;
      case 'reapply':
        follow();
        track(engine.reapply());
        break;
      case 'remove-leftovers':
        follow();
        track(engine.removeLeftovers());
        break;
      case 'explain-fix':
        follow();
        if (engine.applyExplainFix) track(engine.applyExplainFix());
        break;
      case 'reset':
        doReset(action.scope);
        break;
    }
  };

  const openDryRun = (again: boolean) => {
    if (!engine) return;
    setDryRun({});
    setDryScroll(0);
    setOverlay({ kind: 'dry-run', again });
    setBusy(m.dryRunLoading);
    engine.dryRun().then(
      (text) => live.current && setDryRun({ text }),
      (error: unknown) => live.current && setDryRun({ error: errorSentence(error, messages(lang).unknownError) }),
    ).finally(() => live.current && setBusy(undefined));
  };

  const perform = (intent: Intent) => {
    switch (intent.type) {
      case 'quit':
        // Ctrl+C is an interrupt: 130, as a shell reports SIGINT (issue 16 item 8).
        quit(intent.interrupted ? 130 : screen === 'failed' ? 1 : 0);
        return;
      case 'connect':
        setScreen('connecting');
        setConn({ state: 'connecting', backend: intent.backend });
        return;
      case 'retry-connect':
        setScreen('connecting');
        setConn({ state: 'connecting', backend: conn.state === 'failed' ? conn.backend : 'kube' });
        return;
      case 'toggle-lang': {
        const next: Lang = lang === 'en' ? 'zh' : 'en';
        if (engine) engine.setLang(next);
        setLocalLang(next);
        return;
      }
      case 'overlay':
        if (intent.overlay.kind === 'equivalent') setEquivScroll(0);
        setOverlay(intent.overlay);
        return;
      default:
        break;
    }
    if (!engine || !snapshot) return;
    switch (intent.type) {
      case 'resume':
        engine.resume();
        setVisitedStep(true);
        setScreen('step');
        break;
      case 'show-list':
        // From a lesson's end the next lesson is the one to pick; from the drill menu, its entry.
        setListCursor(screen === 'done' ? Math.min(snapshot.lessons.length - 1, snapshot.lessonIndex + 1) : screen === 'drills' ? snapshot.lessons.length : snapshot.lessonIndex);
        setOverlay({ kind: 'none' });
        setScreen('list');
        break;
      case 'show-step':
        setScreen('step');
        break;
      case 'list-move':
        setListCursor((c) => Math.max(0, Math.min(snapshot.lessons.length - (props.drills ? 0 : 1), c + intent.delta)));
        break;
      case 'drill-move':
        setDrillRefusal(undefined);
        setDrillCursor((c) => Math.max(0, Math.min((drillList?.drills.length ?? 1) - 1, c + intent.delta)));
        break;
      case 'drill-open': {
        const entry = drillList?.drills[drillCursor];
        if (!entry || !props.drills) break;
        setBusy(m.drillStarting(entry.name));
        props.drills
          .open(entry.name, lang)
          .then(
            (opened) => {
              if (!live.current) return;
              setOpenedDrill(opened);
              setScreen('drill');
            },
            (error: unknown) => live.current && setDrillRefusal(errorSentence(error, messages(lang).unknownError)),
          )
          .finally(() => live.current && setBusy(undefined));
        break;
      }
      case 'list-open': {
        if (props.drills && listCursor === snapshot.lessons.length) {
          setScreen('drills');
          if (!drillList || drillList.problem) {
            props.drills.list().then(
              (list) => live.current && setDrillList(list),
              (error: unknown) => live.current && setDrillList({ drills: [], problem: errorSentence(error, messages(lang).unknownError) }),
            );
          }
          break;
        }
        const lesson = snapshot.lessons[listCursor];
        if (!lesson) break;
        if (lesson.id !== snapshot.lesson.id || !visitedStep) engine.openLesson(lesson.id);
        setVisitedStep(true);
        setScreen('step');
        break;
      }
      case 'next':
        engine.next();
        break;
      case 'back':
        engine.back();
        break;
      case 'run':
        follow();
        track(engine.run());
        break;
      case 'predict':
        // The answer (or the skip) is saved first; then the check runs as it always does.
        setOverlay({ kind: 'none' });
        engine.predict?.(intent.choice);
        follow();
        track(engine.run());
        break;
      case 'ask':
        setOverlay({ kind: 'confirm', action: intent.action });
        break;
      case 'confirmed':
        confirmed(intent.action);
        break;
      case 'skip-conflict':
        follow();
        track(engine.resolveConflict(false));
        break;
      case 'dry-run':
        openDryRun(false);
        break;
      case 'trace':
        setTraceScroll(0);
        setOverlay({ kind: 'trace' });
        setTraceNone(false);
        // No request to trace (none sent this session): say so instead of waiting.
        if (engine.trace) track(engine.trace().then((t) => live.current && !t && setTraceNone(true)));
        else setTraceNone(true);
        break;
      case 'again':
        if (snapshot.step.kind === 'apply') openDryRun(true);
        else if (engine.needsConfirmation(snapshot.step)) setOverlay({ kind: 'confirm', action: { type: 'run' } });
        else {
          follow();
          track(engine.run());
        }
        break;
      case 'lesson-done':
        // An explain step counts as read when passed over; then the lesson's end screen.
        if (snapshot.step.kind === 'explain') track(engine.run());
        setScreen('done');
        break;
      case 'next-lesson':
        if (snapshot.lessonIndex + 1 < snapshot.lessons.length) {
          engine.next();
          setScreen('step');
        } else {
          setListCursor(snapshot.lessonIndex);
          setScreen('list');
        }
        break;
      case 'copy': {
        const text = kubectl.join('\n');
        const n = kubectl.length;
        if (clipboard.available) {
          clipboard.copy(text);
          setNotice({ say: (mm) => mm.copied(n), role: 'pass' });
        } else {
          clipboard.print(text);
          setNotice({ say: (mm) => mm.noClipboard(n), role: 'warn' });
        }
        break;
      }
      case 'print-commands': {
        const n = kubectl.length;
        clipboard.print(kubectl.join('\n'));
        setNotice({ say: (mm) => mm.printed(n), role: 'pass' });
        break;
      }
      case 'cancel':
        engine.cancel();
        break;
      case 'scroll':
        if (overlay.kind === 'dry-run') setDryScroll(clampOffset(dryOffset + intent.delta, dryRows.length, bodyHeight));
        else if (overlay.kind === 'trace') setTraceScroll(clampOffset(traceOffset + intent.delta, tracedRows.length, bodyHeight));
        else if (overlay.kind === 'equivalent') setEquivScroll(clampOffset(equivOffset + intent.delta, equivRows.length, bodyHeight));
        else {
          const nextOffset = Math.max(0, Math.min(maxOffset, offset + intent.delta));
          setScroll({ offset: nextOffset, follow: nextOffset >= maxOffset && intent.delta > 0 });
        }
        break;
      case 'scroll-to':
        if (overlay.kind === 'dry-run') setDryScroll(intent.where === 'top' ? 0 : dryRows.length);
        else if (overlay.kind === 'trace') setTraceScroll(intent.where === 'top' ? 0 : tracedRows.length);
        else if (overlay.kind === 'equivalent') setEquivScroll(intent.where === 'top' ? 0 : equivRows.length);
        else setScroll({ offset: 0, follow: intent.where === 'bottom' });
        break;
    }
  };

  // Warnings (the CLI's and the engine's, e.g. a corrupt progress file set aside) stay until a key.
  const shownWarnings = [...new Set([...props.warnings, ...(snapshot?.warnings ?? [])])].filter((w) => !dismissedWarnings.has(w));

  const fixable = fixableCheck(snapshot);
  const context: KeyContext = {
    screen,
    overlay,
    phase: snapshot?.stepState.phase,
    stepKind: snapshot?.step.kind,
    needsConfirmation: engine && snapshot ? engine.needsConfirmation(snapshot.step) : false,
    fixable,
    drifted: (snapshot?.stepState.drift?.length ?? 0) > 0,
    leftovers: (snapshot?.stepState.leftovers?.length ?? 0) > 0,
    explainFix: snapshot?.stepState.explainFix !== undefined && engine?.applyExplainFix !== undefined,
    visitedStep,
    busy: busy !== undefined,
    page: bodyHeight,
    following: snapshot !== undefined && snapshot.stepState.phase !== 'running' && snapshot.stepState.activity !== undefined,
    lastStep: snapshot !== undefined && snapshot.stepIndex === snapshot.lesson.steps.length - 1,
    hasCommands: kubectl.length > 0,
    hasEquivalent: snapshot?.step.kind === 'apply' && snapshot.step.equivalent !== undefined,
    predictChoices: pendingPrediction(snapshot),
  };

  // The handler reads this render's state through a ref: keys typed before React re-registers
  // the listener (effects run after the frame is written) must not see a stale screen.
  const onKey = useRef<(input: string, key: Key) => void>(() => undefined);
  onKey.current = (input, key) => {
    // A drill on screen reads its own keys (Ctrl+C and q leave the drill, which cleans up first).
    if (quitting.current || screen === 'drill') return;
    if (shownWarnings.length > 0) setDismissedWarnings((d) => new Set([...d, ...shownWarnings]));
    setNotice(undefined);
    const intent = decideKey(context, input, key);
    if (intent) perform(intent);
  };
  const stableOnKey = useCallback((input: string, key: Key) => onKey.current(input, key), []);
  useInput(stableOnKey, { isActive: isRawModeSupported === true });

  // ---- what to show ----
  const warningRows: Row[] = shownWarnings.flatMap((w) => wrap(`! ${m.warning}: ${w}`, width).map((text) => ({ text, role: 'warn' as Role })));

  let header = m.appName;
  let body: React.JSX.Element;
  let footer: React.JSX.Element = <Line text="" width={width} />;
  let hints: string[] = [];

  if (screen === 'connecting' || (screen !== 'failed' && !snapshot)) {
    const backend = conn.state === 'connecting' ? conn.backend : 'kube';
    body = (
      <Box flexDirection="column">
        <Activity text={backend === 'practice' ? m.startingPractice : m.connectingTo(props.describeTarget)} width={width} />
        <Rows rows={[{ text: '' }, ...warningRows]} height={bodyHeight - 1} />
      </Box>
    );
    hints = [m.keyHint.quit];
  } else if (screen === 'failed') {
    const failed = conn.state === 'failed' ? conn : { backend: 'kube' as Backend, message: m.unknownError };
    const rows: Row[] = [
      ...wrap(failed.backend === 'practice' ? m.practiceFailed : m.connectFailed, width).map((text) => ({ text, role: 'fail' as Role })),
      ...wrap(failed.message, width).map((text) => ({ text })),
      { text: '' },
      ...(failed.backend === 'kube' ? wrap(m.offerPractice, width).map((text) => ({ text, role: 'key' as Role })) : []),
      { text: m.offerRetry, role: 'key' },
      { text: m.offerQuit, role: 'key' },
      ...(warningRows.length ? [{ text: '' }, ...warningRows] : []),
    ];
    body = <Rows rows={rows} height={bodyHeight} />;
    hints = [...(failed.backend === 'kube' ? [m.offerPracticeKey] : []), m.keyHint.retryConnect, m.keyHint.quit];
  } else if (screen === 'resume' && snapshot) {
    const target = resumeTarget(snapshot) ?? { lessonIndex: snapshot.lessonIndex, stepIndex: snapshot.stepIndex };
    const lesson = snapshot.lessons[target.lessonIndex];
    const rows: Row[] = [
      ...warningRows,
      ...(warningRows.length ? [{ text: '' }] : []),
      ...wrap(m.resumeQuestion(lesson.title[lang], target.stepIndex + 1, lesson.steps.length), width).map((text) => ({ text, role: 'heading' as Role })),
      { text: '' },
      { text: truncate(m.resumeKeys, width), role: 'key' },
    ];
    body = <Rows rows={rows} height={bodyHeight} />;
    hints = [m.resumeKeys, m.keyHint.lang, m.keyHint.quit];
  } else if (screen === 'list' && snapshot) {
    header = `${m.appName} · ${m.lessonsTitle}`;
    const rows = overlay.kind === 'help' ? helpRows(m, width) : [...warningRows, ...lessonListRows(snapshot, listCursor, m, width, bodyHeight - warningRows.length, plain, renderer, props.drills !== undefined)];
    body = <Rows rows={rows} height={bodyHeight} />;
    hints = [overlay.kind === 'help' ? m.helpClose : visitedStep ? m.listKeys : m.listKeysNoBack];
  } else if (screen === 'drills' && snapshot) {
    header = `${m.appName} · ${m.drillsTitle}`;
    body = <Rows rows={[...warningRows, ...drillMenuRows(drillList?.drills, drillList?.problem, drillCursor, lang, m, width, bodyHeight - warningRows.length, drillRefusal)]} height={bodyHeight} />;
    hints = [m.drillsKeys];
  } else if (screen === 'done' && snapshot) {
    header = `${m.appName} · ${lessonPosition(snapshot, m)} · ${stripMarks(snapshot.lesson.title[lang])}`;
    body = <Rows rows={[...warningRows, ...lessonDoneRows(snapshot, m, width, plain)]} height={bodyHeight} />;
    hints = [m.doneKeys(snapshot.lessonIndex + 1 >= snapshot.lessons.length)];
  } else if (snapshot && view) {
    const { lesson, lessons } = snapshot;
    header = `${lessonPosition(snapshot, m)} · ${stripMarks(lesson.title[lang])} · ${m.stepOf(snapshot.stepIndex + 1, lesson.steps.length)}`;
    let rows: Row[];
    if (overlay.kind === 'help') rows = helpRows(m, width);
    else if (overlay.kind === 'reset-scope') {
      rows = [
        ruleRow(m.resetTitle, width),
        { text: truncate(m.resetChoose, width) },
        { text: '' },
        ...wrap(m.resetScopes.lesson(lesson.title[lang]), width).map((text) => ({ text })),
        ...wrap(m.resetScopes.all, width).map((text) => ({ text })),
        ...wrap(m.resetScopes.progress, width).map((text) => ({ text })),
      ];
    } else if (overlay.kind === 'dry-run') rows = dryRows.slice(dryOffset, dryOffset + bodyHeight);
    else if (overlay.kind === 'trace') rows = tracedRows.slice(traceOffset, traceOffset + bodyHeight);
    else if (overlay.kind === 'equivalent') rows = equivRows.slice(equivOffset, equivOffset + bodyHeight);
    else rows = [...warningRows, ...view.rows.slice(offset, offset + bodyHeight - warningRows.length)];

    // The prediction sits at the bottom of the body, under the step's text the learner just read.
    if (overlay.kind === 'predict') {
      const asked = predictRows(snapshot, width).slice(-bodyHeight);
      rows = [...rows.slice(0, Math.max(0, bodyHeight - asked.length - 1)), { text: '' }, ...asked].slice(-bodyHeight);
    }
    // A y/n question too long for the footer takes the body's last rows too: y/n must stay visible.
    const question = overlay.kind === 'confirm' ? wrap(confirmText(overlay.action, snapshot, m), width) : [];
    if (question.length > 1) {
      const above = question.slice(0, -1).slice(-(bodyHeight - 1));
      rows = [...rows.slice(0, bodyHeight - above.length), ...Array.from({ length: Math.max(0, bodyHeight - above.length - rows.length) }, () => ({ text: '' })), ...above.map((text) => ({ text, role: 'warn' as Role }))];
    }
    body = (
      <Box flexDirection="column">
        <Rows rows={[titleRow(snapshot.step, lang, width, plain)]} />
        <Rows rows={rows} height={bodyHeight} />
      </Box>
    );

    const phase = snapshot.stepState.phase;
    if (overlay.kind === 'confirm') footer = <Line text={question[question.length - 1] ?? ''} width={width} role="warn" />;
    else if (busy) footer = <Activity text={busy} width={width} />;
    else if (phase === 'running') footer = <Activity text={snapshot.stepState.activity ?? m.running} width={width} suffix={m.escCancels} />;
    else if (notice) footer = <Line text={notice.say(m)} width={width} role={notice.role} />;
    else if (snapshot.stepState.activity) footer = <Activity text={snapshot.stepState.activity} width={width} suffix={m.escStops} />;
    else if (overlay.kind === 'dry-run')
      footer = <Line text={dryRows.length > 0 ? m.linesOf(Math.min(dryRows.length, dryOffset + 1), Math.min(dryRows.length, dryOffset + bodyHeight), dryRows.length) : ''} width={width} role="muted" />;
    else if (overlay.kind === 'equivalent' && equivRows.length > bodyHeight)
      footer = <Line text={m.linesOf(equivOffset + 1, Math.min(equivRows.length, equivOffset + bodyHeight), equivRows.length)} width={width} role="muted" />;
    else if (overlay.kind === 'trace' && tracedRows.length > bodyHeight)
      footer = <Line text={m.linesOf(traceOffset + 1, Math.min(tracedRows.length, traceOffset + bodyHeight), tracedRows.length)} width={width} role="muted" />;
    else if (overlay.kind === 'none' && view.rows.length > bodyHeight) footer = <Line text={m.scrollInfo(offset + 1, Math.min(view.rows.length, offset + bodyHeight), view.rows.length)} width={width} role="muted" />;
    hints =
      overlay.kind === 'none'
        ? fitHints(stepHints(snapshot, m, fixable !== undefined), width)
        : overlay.kind === 'confirm'
          ? [m.keyHint.yesNo]
          : overlay.kind === 'reset-scope'
            ? [m.resetChoose]
            : overlay.kind === 'dry-run'
              ? [overlay.again ? m.againKeys : m.closeKeys]
              : overlay.kind === 'trace'
                ? [m.traceKeys]
              : overlay.kind === 'equivalent'
                ? [m.equivalentKeys, m.keyHint.lang]
              : overlay.kind === 'predict'
                ? [predictMessages(lang).keys(context.predictChoices ?? 2)]
                : [m.helpClose];
  } else {
    body = <Rows rows={[]} height={bodyHeight} />;
  }

  if (screen !== 'step' && notice) footer = <Line text={notice.say(m)} width={width} role={notice.role} />;
  if (screen !== 'step' && busy) footer = <Activity text={busy} width={width} />;

  // A drill takes the whole screen; leaving it (q, after its cleanup) comes back to the drill menu.
  if (screen === 'drill' && openedDrill && snapshot) {
    const { session, kubeconfig, context: kubeContext, namespace } = openedDrill;
    return (
      <DrillScreen
        session={session}
        lang={lang}
        kubeconfig={kubeconfig}
        context={kubeContext}
        namespace={namespace}
        plain={plain}
        embedded
        onExit={() => {
          if (!live.current) return;
          setOpenedDrill(undefined);
          setScreen('drills');
        }}
      />
    );
  }

  return (
    <Box flexDirection="column" width={width}>
      <Line text={header} width={width} role="title" />
      {body}
      {footer}
      <StatusBar text={statusText(snapshot, lang, screen === 'step')} width={width} />
      <Line text={hints.join(' · ')} width={width} role="muted" />
    </Box>
  );
}
