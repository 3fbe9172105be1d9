// Stand-in for react-devtools-core in the bundle. ink imports it only when DEV=true; the real
// package is not shipped (it is large and needs a devtools server), and marking it external
// crashes the bundle at start, so it is aliased to this no-op module.
const devtools = {
  initialize() {},
  connectToDevTools() {},
};
export default devtools;
