'use strict';
// Child process that runs one SCF Node.js handler at a time for the simulator's invoker.
// It is forked with an environment holding only the function's variables plus SCF_* basics.
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');

let logBuf = [];
let logSize = 0;
let current = null;
const LOG_CAP = 1024 * 1024;

function appendLog(text) {
  if (!current) return;
  if (logSize > LOG_CAP) return;
  logBuf.push(text);
  logSize += text.length;
}

function logLine(level, args) {
  const rid = current ? current.requestId : '';
  appendLog(`${new Date().toISOString()}\t${rid}\t${level === 'log' ? '' : level.toUpperCase() + '\t'}${util.format(...args)}\n`);
}
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
  console[level] = (...args) => logLine(level, args);
}
process.stdout.write = (chunk) => { appendLog(String(chunk)); return true; };
process.stderr.write = (chunk) => { appendLog(String(chunk)); return true; };

const modules = new Map();
async function loadHandler(codeDir, handler) {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw Object.assign(new Error(`Handler ${handler} is invalid`), { code: 'InvalidHandler' });
  const file = handler.slice(0, dot);
  const fnName = handler.slice(dot + 1);
  const key = codeDir + '\u0000' + file;
  let mod = modules.get(key);
  if (!mod) {
    const base = path.join(codeDir, file);
    try {
      mod = require(base);
    } catch (e) {
      if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'MODULE_NOT_FOUND')) {
        const fs = require('node:fs');
        const mjs = base + '.mjs';
        if (fs.existsSync(mjs)) mod = await import(pathToFileURL(mjs).href);
        else if (e.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(base + '.js').href);
        else throw e;
      } else throw e;
    }
    modules.set(key, mod);
  }
  const fn = mod && (mod[fnName] || (mod.default && mod.default[fnName]));
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`Handler '${fnName}' is not a function exported by '${file}'`), { code: 'HandlerNotFound' });
  }
  return fn;
}

function callHandler(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err, value) => {
      if (settled) return;
      settled = true;
      if (err) reject(err instanceof Error ? err : Object.assign(new Error(typeof err === 'string' ? err : JSON.stringify(err)), { raw: err }));
      else resolve(value);
    };
    try {
      const ret = fn(event, context, done);
      if (ret && typeof ret.then === 'function') ret.then((v) => done(null, v), (e) => done(e));
      else if (fn.length < 3) done(null, ret);
    } catch (e) {
      done(e);
    }
  });
}

function serializeError(e) {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack || '' };
  return { name: 'Error', message: String(e), stack: '' };
}

process.on('uncaughtException', (e) => {
  if (current) current.fail(e);
});
process.on('unhandledRejection', (e) => {
  if (current) current.fail(e);
});

process.on('message', async (msg) => {
  if (!msg || msg.type !== 'invoke') return;
  const started = process.hrtime.bigint();
  logBuf = [];
  logSize = 0;
  let finished = false;
  const finish = (payload) => {
    if (finished) return;
    finished = true;
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    const log = logBuf.join('');
    current = null;
    process.send({ type: 'result', id: msg.id, durationMs, memUsage: process.memoryUsage().rss, log, ...payload });
  };
  current = { requestId: msg.context.request_id, fail: (e) => finish({ ok: false, error: serializeError(e) }) };
  try {
    const fn = await loadHandler(msg.codeDir, msg.handler);
    const context = { ...msg.context, getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()) };
    const value = await callHandler(fn, msg.event, context);
    let text;
    try {
      text = value === undefined ? 'null' : JSON.stringify(value);
    } catch (e) {
      finish({ ok: false, error: serializeError(e) });
      return;
    }
    finish({ ok: true, value: text });
  } catch (e) {
    finish({ ok: false, error: serializeError(e) });
  }
});

// Test-only (InvokerOptions.runnerStartDelayMs): a slow start-up, as on a loaded machine.
const delayArg = process.argv.find((a) => a.startsWith('--start-delay-ms='));
const startDelayMs = delayArg ? Number(delayArg.slice('--start-delay-ms='.length)) : 0;
setTimeout(() => process.send({ type: 'ready' }), startDelayMs > 0 ? startDelayMs : 0);
