// Refuses every TCP connection outside loopback, in the process that loads it: the emulated tier
// loads it into jest and, with NODE_OPTIONS=--require, into every CDK CLI it starts. A refused
// connection prints a line starting with GUARD_PREFIX on stderr, which the tier fails on.
'use strict';
const net = require('node:net');

const GUARD_PREFIX = 'class-lab-tier: refused a connection outside loopback:';
const refused = [];

function isLoopback(host) {
  return host === undefined || host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '::ffff:127.0.0.1';
}

function install() {
  if (net.Socket.prototype.connect.classLabGuard) return;
  const original = net.Socket.prototype.connect;
  const guarded = function connect(...args) {
    // net.connect passes its already-normalized [options, callback] as one argument.
    const [options] = Array.isArray(args[0]) ? args[0] : net._normalizeArgs(args);
    if (!options.path && !isLoopback(options.host)) {
      const where = `${options.host}:${options.port}`;
      refused.push(where);
      process.stderr.write(`${GUARD_PREFIX} ${where}\n`);
      const error = Object.assign(new Error(`${GUARD_PREFIX} ${where}`), { code: 'ECONNREFUSED' });
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return original.apply(this, args);
  };
  guarded.classLabGuard = true;
  net.Socket.prototype.connect = guarded;
}

install();
module.exports = { GUARD_PREFIX, refused, isLoopback, install };
