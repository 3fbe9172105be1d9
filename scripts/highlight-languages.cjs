// What cli-highlight (marked-terminal's code highlighter) gets for `require('highlight.js')` in
// the bundle: highlight.js's core with the languages the lessons show (YAML manifests, shell
// commands, HTTP responses, JSON, plain output) instead of all 190 of them. That is ~950 kB less
// to parse when the step screen first renders Markdown, and a fenced block without a language is
// auto-detected among these few rather than guessed as, say, 1C or Mathematica. Same object shape
// as the full package (module.exports = the hljs object).
const hljs = require('highlight.js/lib/core');

hljs.registerLanguage('yaml', require('highlight.js/lib/languages/yaml'));
hljs.registerLanguage('bash', require('highlight.js/lib/languages/bash')); // also sh, zsh
hljs.registerLanguage('shell', require('highlight.js/lib/languages/shell')); // console sessions
hljs.registerLanguage('json', require('highlight.js/lib/languages/json'));
hljs.registerLanguage('http', require('highlight.js/lib/languages/http')); // curl -D - output
hljs.registerLanguage('markdown', require('highlight.js/lib/languages/markdown'));
hljs.registerLanguage('plaintext', require('highlight.js/lib/languages/plaintext'));

module.exports = hljs;
