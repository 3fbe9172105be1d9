// The request trace room: pure. `joinTrace` ties one request's access-log lines into hops and
// names the objects that decided each; `layoutTrace` / `traceText` draw it (80 columns, both languages).

export type * from './model.js';
export { joinTrace, traceComplete, sidecarSentTo } from './join.js';
export { deniedBy, gatewayDeciders, parseCluster, sidecarDeciders, type DecideContext } from './decide.js';
export { hostMatches } from './hosts.js';
export { layoutTrace, traceText, noTraceText, deciderText, cut, wrapCells, type TraceRow, type TraceTone, type TraceLayoutOptions } from './layout.js';
export { traceMessages, type TraceMessages } from './messages.js';
export { plannedTrace, plannedPathOf, courseObjects, type PlannedPath } from './plan.js';
export { GATEWAY_API_KINDS, deployedGatewayName, gatewayApiGatewayDeciders, gatewayApiSidecarDecider, parseRouteName } from './gatewayApi.js';
