// The `debug` package as simple-peer calls it (`require('debug')('simple-peer')(...)`), silent.
// The widget never turns simple-peer's debug logging on, so the browser bundle leaves it out.
module.exports = function createDebug() {
  return function debug() {};
};
