// Stand-in for node-emoji in the bundle. Its only importer, marked-terminal, replaces `:name:`
// shortcodes with emoji unless told not to; src/ui/markdown.ts tells it not to (a tutorial about
// ports and hosts should print `:80:` as written), so node-emoji and emojilib's 200 kB table
// would only be parsed for nothing. Nothing here is called while `emoji: false`.
export function get() {
  return undefined;
}
export default { get };
