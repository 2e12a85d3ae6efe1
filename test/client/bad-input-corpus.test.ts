/**
 * The bad-input corpus: manifests and flags a careless or hostile author could write. Each one must
 * make `scf-release release` exit 64 with a line naming the field, start no workflow and make no
 * mutating SCF call. Most cases run in-process through the command the CLI registers (the same code
 * path, a few ms each); a handful run through the real CLI process. A simulator world with a worker
 * listens on the task queue the cases name, so anything that slipped through would really run, and be
 * seen in the visibility count and the simulator's request log.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { registerReleaseCommand } from '../../client/commands/release';
import { createZip } from '../../simulator';
import { MUTATING } from '../../simulator/actions';
import { eventually } from '../harness/eventually';
import { runCli, spawnCli } from '../harness/run-cli';
import { useScfWorld } from '../harness/use-scf-world';

const SHA = 'a'.repeat(64);
const AKID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-input-corpus-'));
const zip = (name: string, files: Record<string, string>) => {
  const file = path.join(dir, name);
  writeFileSync(file, createZip(files));
  return file;
};
const GOOD_ZIP = zip('good.zip', { 'index.js': 'exports.main_handler = async () => ({ ok: true });\n' });

const base = {
  function: 'corpus-fn',
  region: 'ap-guangzhou',
  package: { path: GOOD_ZIP },
  handler: 'index.main_handler',
  verification: [{ name: 'answers', event: { ping: 1 } }],
};
const withEvent = (event: unknown) => ({ ...base, verification: [{ name: 'answers', event }] });
/** `leaf` under `depth` levels of `{ a: ... }`. */
const nested = (depth: number, leaf: unknown): unknown => (depth === 0 ? leaf : { a: nested(depth - 1, leaf) });
const withExpect = (expect: Record<string, unknown>) => ({ ...base, verification: [{ name: 'answers', event: {}, expect }] });
const withSteps = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ ...base, alias: { name: 'live', steps, ...extra } });
const withAlias = (alias: Record<string, unknown>) => ({ ...base, alias: { name: 'live', ...alias } });
const withUrl = (url: string) => ({ ...base, package: { url, sha256: SHA } });

interface BadInput {
  name: string;
  /** Written as YAML when an object; a string or bytes are the file exactly. */
  manifest: Record<string, unknown> | string | Buffer | (() => Record<string, unknown> | string);
  /** Extra CLI arguments. */
  flags?: string[];
  /** The field the refusal names, as the CLI prints it (`(manifest)` for the file as a whole). */
  field: string;
  message?: RegExp;
}

/** A manifest's first lines, for cases written as YAML text. */
const HEAD = `function: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\n`;
const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
  const prev = String.fromCharCode('a'.charCodeAt(0) + i);
  laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
}
const BILLION_LAUGHS = `function: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\n${laughs.join('\n')}\n`;
const MANY_ALIASES = `function: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\nx: &x y\nlist: [${Array(60).fill('*x').join(',')}]\n`;
const utf8Manifest = (eventValue: Buffer) =>
  Buffer.concat([Buffer.from(`function: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\nverification:\n  - event: { name: "`), eventValue, Buffer.from('" }\n')]);

export const CASES: BadInput[] = [
  // --- names against SCF's naming rules (function 2-60, letter first, letter/digit last; namespace; alias)
  { name: 'a function name starting with a digit', manifest: { ...base, function: '9lives' }, field: 'function', message: /starting with a letter/ },
  { name: 'a one-character function name', manifest: { ...base, function: 'a' }, field: 'function', message: /2-60 characters/ },
  { name: 'a 61-character function name', manifest: { ...base, function: `f${'x'.repeat(60)}` }, field: 'function', message: /2-60 characters/ },
  { name: 'a function name ending with _', manifest: { ...base, function: 'hello_' }, field: 'function' },
  { name: 'a function name ending with -', manifest: { ...base, function: 'hello-' }, field: 'function' },
  { name: 'a function name with a space', manifest: { ...base, function: 'hello scf' }, field: 'function' },
  { name: 'a function name with a dot', manifest: { ...base, function: 'hello.scf' }, field: 'function' },
  { name: 'a function name with a non-ASCII letter', manifest: { ...base, function: 'héllo' }, field: 'function' },
  { name: 'a function name that is a path', manifest: { ...base, function: '../etc' }, field: 'function' },
  { name: 'an empty function name', manifest: { ...base, function: '' }, field: 'function' },
  { name: 'a function name that is a number', manifest: { ...base, function: 12345 }, field: 'function', message: /must be text/ },
  { name: 'a function name starting with -', manifest: { ...base, function: '-hello' }, field: 'function' },
  { name: 'a function name with a slash', manifest: { ...base, function: 'hello/scf' }, field: 'function' },
  { name: 'a namespace with ! and a space', manifest: { ...base, namespace: 'bad name!' }, field: 'namespace', message: /1-30 letters, digits/ },
  { name: 'a 31-character namespace', manifest: { ...base, namespace: 'n'.repeat(31) }, field: 'namespace' },
  { name: 'an empty namespace', manifest: { ...base, namespace: '' }, field: 'namespace' },
  { name: 'a namespace that is a path', manifest: { ...base, namespace: '../default' }, field: 'namespace' },
  { name: 'a namespace that is a list', manifest: { ...base, namespace: ['default'] }, field: 'namespace' },
  { name: 'the alias $LATEST', manifest: withAlias({ name: '$LATEST' }), field: 'alias.name', message: /must start with a letter/ },
  { name: 'an alias name starting with a digit', manifest: withAlias({ name: '9x' }), field: 'alias.name' },
  { name: 'a 64-character alias name', manifest: withAlias({ name: `a${'b'.repeat(63)}` }), field: 'alias.name' },
  { name: 'an alias name that is a path', manifest: withAlias({ name: '../live' }), field: 'alias.name' },

  // --- unknown regions and fields
  { name: 'a primary region that does not exist', manifest: { ...base, region: 'ap-mars' }, field: 'region', message: /not an SCF region/ },
  { name: 'an AWS region', manifest: { ...base, region: 'us-east-1' }, field: 'region' },
  { name: 'an upper-case region', manifest: { ...base, region: 'AP-GUANGZHOU' }, field: 'region' },
  { name: 'an empty region', manifest: { ...base, region: '' }, field: 'region' },
  { name: 'an unknown target region', manifest: { ...base, regions: ['ap-shanghai', 'ap-nowhere'] }, field: 'regions[1]' },
  { name: 'regions as a string', manifest: { ...base, regions: 'ap-tokyo' }, field: 'regions', message: /must be a list/ },
  { name: 'the primary among the targets', manifest: { ...base, regions: ['ap-guangzhou'] }, field: 'regions[0]', message: /is the primary region/ },
  { name: 'a target region twice', manifest: { ...base, regions: ['ap-tokyo', 'ap-tokyo'] }, field: 'regions[1]', message: /listed twice/ },
  { name: 'a misspelt top-level field', manifest: { ...base, regoins: ['ap-tokyo'] }, field: 'regoins', message: /not a manifest field/ },
  { name: 'a field in the wrong case', manifest: { ...base, Function: 'x' }, field: 'Function', message: /not a manifest field/ },
  { name: 'a misspelt alias field', manifest: withAlias({ step: [] }), field: 'alias.step' },
  { name: 'a misspelt case field', manifest: { ...base, verification: [{ name: 'a', expects: {} }] }, field: 'verification[0].expects' },
  { name: 'an unknown expectation', manifest: withExpect({ retMsg: 'ok' }), field: 'verification[0].expect.retMsg' },
  { name: 'an unknown package field', manifest: { ...base, package: { path: GOOD_ZIP, sha: SHA } }, field: 'package.sha' },
  { name: 'an unknown step field', manifest: withSteps([{ percent: 100, bakeTime: '1m' }]), field: 'alias.steps[0].bakeTime' },

  // --- YAML that is a weapon, or not text
  { name: 'a billion-laughs anchor bomb', manifest: BILLION_LAUGHS, field: '(manifest)', message: /not valid YAML: Excessive alias count/ },
  { name: 'sixty aliases of one anchor', manifest: MANY_ALIASES, field: '(manifest)', message: /Excessive alias count/ },
  { name: 'a duplicated key', manifest: `function: corpus-fn\nfunction: other\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\n`, field: '(manifest)', message: /not valid YAML/ },
  { name: 'a byte that is not UTF-8', manifest: utf8Manifest(Buffer.from([0x61, 0xff, 0x62])), field: '(manifest)', message: /is not UTF-8 text/ },
  { name: 'Latin-1 text', manifest: utf8Manifest(Buffer.from('caf\xe9', 'latin1')), field: '(manifest)', message: /is not UTF-8 text/ },
  { name: 'UTF-16 text', manifest: Buffer.from(`\ufefffunction: corpus-fn\n`, 'utf16le'), field: '(manifest)', message: /is not UTF-8 text/ },
  { name: 'a list instead of a mapping', manifest: '- function: corpus-fn\n', field: '(manifest)', message: /must be a mapping/ },
  { name: 'a scalar instead of a mapping', manifest: 'just text\n', field: '(manifest)', message: /must be a mapping/ },
  { name: 'unclosed YAML', manifest: 'function: [unclosed\n', field: '(manifest)', message: /not valid YAML/ },
  { name: 'a manifest file over 4 MiB', manifest: () => `# ${'x'.repeat(4.5 * 1024 * 1024)}\nfunction: corpus-fn\n`, field: '(manifest)', message: /at most 4 MiB/ },

  // --- keys that name JavaScript's object machinery
  { name: 'a top-level __proto__', manifest: `__proto__: { polluted: true }\nfunction: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\n`, field: '__proto__', message: /object machinery/ },
  { name: 'a top-level constructor', manifest: { ...base, constructor: { name: 'x' } }, field: 'constructor' },
  { name: 'a top-level prototype', manifest: { ...base, prototype: {} }, field: 'prototype' },
  { name: 'an alias __proto__', manifest: `function: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\nalias: { name: live, __proto__: { requireApproval: false } }\n`, field: 'alias.__proto__' },
  { name: 'an event __proto__', manifest: `function: corpus-fn\nregion: ap-guangzhou\npackage: ${GOOD_ZIP}\nverification: [{ event: { __proto__: { isAdmin: true } } }]\n`, field: 'verification[0].event.__proto__', message: /object machinery/ },
  { name: 'an event as JSON text with __proto__', manifest: withEvent('{"__proto__": {"isAdmin": true}}'), field: 'verification[0].event.__proto__' },
  { name: 'a nested event constructor', manifest: withEvent({ a: { b: { constructor: { prototype: {} } } } }), field: 'verification[0].event.a.b.constructor' },
  { name: 'an expectation constructor', manifest: withExpect({ constructor: 1 }), field: 'verification[0].expect.constructor' },
  { name: 'a package __proto__', manifest: `function: corpus-fn\nregion: ap-guangzhou\npackage: { path: ${GOOD_ZIP}, __proto__: { url: x } }\n`, field: 'package.__proto__' },

  // --- paths that leave where they should stay
  { name: 'a package path that climbs to /etc/passwd', manifest: { ...base, package: '../../../../../../../etc/passwd' }, field: 'package.path', message: /not a zip file/ },
  { name: 'a package path that is a directory', manifest: { ...base, package: { path: '/etc' } }, field: 'package.path', message: /not a file/ },
  { name: 'a package path that does not exist', manifest: { ...base, package: '../../nope/../../x.zip' }, field: 'package.path', message: /does not exist/ },
  { name: 'a handler that climbs out of the zip', manifest: { ...base, handler: '../../etc.passwd' }, field: 'handler', message: /inside the zip/ },
  { name: 'an absolute handler path', manifest: { ...base, handler: '/var/task/index.main_handler' }, field: 'handler', message: /inside the zip/ },
  { name: 'a handler with a backslash', manifest: { ...base, handler: '..\\index.main_handler' }, field: 'handler', message: /inside the zip/ },
  { name: 'a handler with no function part', manifest: { ...base, handler: 'index' }, field: 'handler' },

  // --- hostile package URLs (package.ts's checks)
  { name: 'a file:// package URL', manifest: withUrl('file:///etc/passwd'), field: 'package.url' },
  { name: 'a package at the metadata address', manifest: withUrl('http://169.254.169.254/latest/meta-data/'), field: 'package.url' },
  { name: 'a loopback https package', manifest: withUrl('https://127.0.0.1/fn.zip'), field: 'package.url' },
  { name: 'a localhost package', manifest: withUrl('https://localhost/fn.zip'), field: 'package.url' },
  { name: 'an IPv6 loopback package', manifest: withUrl('https://[::1]/fn.zip'), field: 'package.url' },
  { name: 'a private-network package', manifest: withUrl('https://10.0.0.8/fn.zip'), field: 'package.url' },
  { name: 'a hex-encoded loopback package', manifest: withUrl('https://0x7f000001/fn.zip'), field: 'package.url' },
  { name: 'a package URL with user info', manifest: withUrl('https://me:pw@example.com/fn.zip'), field: 'package.url', message: /credentials/ },
  { name: 'a plain http package', manifest: withUrl('http://example.com/fn.zip'), field: 'package.url' },
  { name: 'an ftp package', manifest: withUrl('ftp://example.com/fn.zip'), field: 'package.url' },
  { name: 'a pre-signed COS URL', manifest: withUrl('https://b-1250000000.cos.ap-guangzhou.myqcloud.com/fn.zip?q-signature=abc'), field: 'package.url', message: /signature/ },
  { name: 'a file:// path to /etc/passwd', manifest: { ...base, package: { path: 'file:///etc/passwd' } }, field: 'package.path' },

  // --- zips SCF would refuse (package.ts's checks)
  { name: 'an empty zip', manifest: { ...base, package: { path: zip('empty.zip', {}) } }, field: 'package.path' },
  { name: 'a zip of a nested folder', manifest: { ...base, package: { path: zip('nested.zip', { 'fn/index.js': 'exports.main_handler = () => 1;\n' }) } }, field: 'package.path' },
  { name: 'a zip without the handler file', manifest: { ...base, package: { path: zip('no-handler.zip', { 'app.js': 'exports.main_handler = () => 1;\n' }) } }, field: 'package.path' },

  // --- oversized input
  { name: 'a 3 MB event', manifest: () => withEvent({ blob: 'x'.repeat(3 * 1024 * 1024) }), field: 'verification[0].event', message: /whole release input is 3\.0 MiB: more than the 1\.0 MiB/ },
  { name: 'an 8 MB event made of aliases', manifest: () => `${HEAD}verification:\n  - event: { a: &e "${'x'.repeat(200 * 1024)}", b: [${Array(40).fill('*e').join(',')}] }\n`, field: 'verification[0].event', message: /8\.0 MiB as JSON; SCF's InvokeFunction takes an event of at most 6 MB/ },
  { name: 'two 600 KB events', manifest: () => ({ ...base, verification: [{ name: 'a', event: { b: 'x'.repeat(600 * 1024) } }, { name: 'b', event: { b: 'y'.repeat(610 * 1024) } }] }), field: 'verification[1].event', message: /also big: verification\[0\]\.event/ },
  { name: 'a 2000-character description', manifest: { ...base, description: 'd'.repeat(2000) }, field: 'description', message: /over 1000 characters/ },
  { name: 'twenty-one verification cases', manifest: { ...base, verification: Array.from({ length: 21 }, (_, i) => ({ name: `c${i}` })) }, field: 'verification', message: /more than 20 cases/ },

  // --- hostile regular expressions (RE2 semantics, length cap)
  { name: 'a backreference', manifest: withExpect({ retMsgPattern: '(a)\\1' }), field: 'verification[0].expect.retMsgPattern', message: /not a pattern RE2 accepts.*backreferences/ },
  { name: 'a lookahead', manifest: withExpect({ retMsgPattern: '^(?=.*ok)' }), field: 'verification[0].expect.retMsgPattern', message: /not a pattern RE2 accepts/ },
  { name: 'a lookbehind', manifest: withExpect({ retMsgPattern: '(?<=a)b' }), field: 'verification[0].expect.retMsgPattern', message: /not a pattern RE2 accepts/ },
  { name: 'a pattern over 512 characters', manifest: withExpect({ retMsgPattern: 'a'.repeat(513) }), field: 'verification[0].expect.retMsgPattern', message: /513 characters long, more than 512/ },
  { name: 'a pattern that compiles to too big an RE2 program', manifest: withExpect({ retMsgPattern: '(a|b){400}' }), field: 'verification[0].expect.retMsgPattern', message: /RE2 instructions, more than 400/ },
  { name: 'an unclosed group', manifest: withExpect({ retMsgPattern: '([a-z' }), field: 'verification[0].expect.retMsgPattern', message: /not a pattern RE2 accepts/ },
  { name: 'a repeat count over RE2\'s limit', manifest: withExpect({ retMsgPattern: '(a{1000}){1000}' }), field: 'verification[0].expect.retMsgPattern', message: /not a pattern RE2 accepts/ },
  { name: 'a pattern that is a number', manifest: withExpect({ retMsgPattern: 123 }), field: 'verification[0].expect.retMsgPattern', message: /must be text/ },

  // --- credentials in clear
  { name: 'a Tencent SecretId in an event', manifest: withEvent({ SecretId: AKID }), field: 'verification[0].event.SecretId', message: /Tencent SecretId.*\$\{env:SCF_EVENT_<NAME>\}.*notSecrets/ },
  { name: 'a SecretKey in an event', manifest: withEvent({ SecretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE' }), field: 'verification[0].event.SecretKey', message: /a credential \(a key named "SecretKey"/ },
  { name: 'a password in an event', manifest: withEvent({ user: 'admin', password: 'hunter2hunter2' }), field: 'verification[0].event.password' },
  { name: 'a token in an event given as JSON text', manifest: withEvent('{"auth":{"token":"eyJhbGciOiJIUzI1NiJ9.e30.x"}}'), field: 'verification[0].event.auth.token' },
  { name: 'an API key in a list in an event', manifest: withEvent({ clients: [{ id: 'a' }, { apiKey: 'sk_live_0123456789abcdef' }] }), field: 'verification[0].event.clients[1].apiKey' },
  { name: 'a private key in an event', manifest: withEvent({ private_key: '-----BEGIN PRIVATE KEY-----MIIEvQ' }), field: 'verification[0].event.private_key' },
  { name: 'credentials in an event', manifest: withEvent({ dbCredentials: 'postgres:s3cr3t-pass' }), field: 'verification[0].event.dbCredentials' },
  { name: 'a passwd that is a long number', manifest: withEvent({ passwd: 1234567890 }), field: 'verification[0].event.passwd' },
  { name: 'a signed URL in an event', manifest: withEvent({ download: 'https://x.cos.ap-guangzhou.myqcloud.com/a.zip?sign=q-sign-algorithm%3Dsha1' }), field: 'verification[0].event.download', message: /signed URL \(sign=/ },
  { name: 'a bearer token in an Authorization header of an event', manifest: withEvent({ headers: { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl' } }), field: 'verification[0].event.headers.Authorization' },
  { name: 'a bearer token under an innocent key', manifest: withEvent({ h: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }), field: 'verification[0].event.h', message: /bearer token/ },
  { name: 'basic credentials under an innocent key', manifest: withEvent({ h: 'Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng==' }), field: 'verification[0].event.h', message: /bearer token/ },
  { name: 'a cookie in an event', manifest: withEvent({ Cookie: 'sid=0123456789abcdef' }), field: 'verification[0].event.Cookie' },
  { name: 'a session id in an event', manifest: withEvent({ sessionId: 's-0123456789abcdef' }), field: 'verification[0].event.sessionId' },
  { name: 'a password nested 70 levels deep', manifest: withEvent(nested(70, { password: 'hunter2hunter2' })), field: `verification[0].event${'.a'.repeat(63)}`, message: /is nested more than 64 levels; flatten it/ },
  { name: 'a __proto__ nested 70 levels deep in JSON text', manifest: withEvent(`${'{"a":'.repeat(70)}{"__proto__":{"x":1}}${'}'.repeat(70)}`), field: `verification[0].event${'.a'.repeat(62)}`, message: /is nested more than 64 levels; flatten it/ },
  { name: 'a SecretId in the description', manifest: { ...base, description: `built with ${AKID}` }, field: 'description', message: /Tencent SecretId/ },
  { name: 'an access token in an expectation', manifest: withExpect({ retMsgJsonSubset: { access_token: 'ya29.a0AfH6SMBx3' } }), field: 'verification[0].expect.retMsgJsonSubset.access_token' },
  { name: 'a SecretId as a case name', manifest: { ...base, verification: [{ name: AKID }] }, field: 'verification[0].name' },
  { name: 'a reference to a worker variable that is not SCF_EVENT_*', manifest: withEvent({ key: '${env:TENCENTCLOUD_SECRET_KEY}' }), field: 'verification[0].event.key', message: /names "TENCENTCLOUD_SECRET_KEY", and an event may reference only worker variables named SCF_EVENT_<NAME>/ },
  { name: 'a reference to PATH', manifest: withEvent({ p: 'x ${env:PATH} y' }), field: 'verification[0].event.p', message: /names "PATH"/ },
  { name: 'an unclosed reference', manifest: withEvent({ token: '${env:SCF_EVENT_TOKEN' }), field: 'verification[0].event.token', message: /not a well-formed reference/ },
  { name: 'an empty reference', manifest: withEvent({ token: '${env:}' }), field: 'verification[0].event.token', message: /names ""/ },
  { name: 'a reference in capitals', manifest: withEvent({ token: '${ENV:SCF_EVENT_TOKEN}' }), field: 'verification[0].event.token', message: /not a well-formed reference/ },
  { name: 'a reference with a lower-case name', manifest: withEvent({ token: '${env:scf_event_token}' }), field: 'verification[0].event.token', message: /names "scf_event_token"/ },
  { name: 'a reference with spaces', manifest: withEvent({ token: '${ env:SCF_EVENT_TOKEN }' }), field: 'verification[0].event.token', message: /not a well-formed reference/ },
  { name: 'a reference outside an event', manifest: { ...base, description: 'uses ${env:SCF_EVENT_TOKEN}' }, field: 'description', message: /only verification events resolve them/ },
  { name: 'a notSecrets entry that names nothing', manifest: { ...base, notSecrets: ['verification[0].event.password'] }, field: 'notSecrets[0]', message: /names no credential-looking value; remove it/ },
  { name: 'notSecrets that is not a list', manifest: { ...base, notSecrets: 'verification[0].event.password' }, field: 'notSecrets', message: /must be a list of field paths/ },

  // --- durations that are not durations
  { name: 'a bake of "soon"', manifest: withSteps([{ percent: 100, bake: 'soon' }]), field: 'alias.steps[0].bake', message: /not a duration; write e\.g\. 30s/ },
  { name: 'a negative bake', manifest: withSteps([{ percent: 100, bake: '-5s' }]), field: 'alias.steps[0].bake' },
  { name: 'a bake in words', manifest: withSteps([{ percent: 100, bake: '5 minutes' }]), field: 'alias.steps[0].bake' },
  { name: 'a bake that is true', manifest: withSteps([{ percent: 100, bake: true }]), field: 'alias.steps[0].bake' },
  { name: 'a bake with an exponent', manifest: withSteps([{ percent: 100, bake: '1e3' }]), field: 'alias.steps[0].bake' },
  { name: 'a maxDuration in years', manifest: withExpect({ maxDuration: '1y' }), field: 'verification[0].expect.maxDuration', message: /not a duration/ },
  { name: 'an approval timeout of "forever"', manifest: withAlias({ requireApproval: true, approvalTimeout: 'forever' }), field: 'alias.approvalTimeout', message: /not a duration/ },

  // --- durations out of range
  { name: 'a bake of 1000000h', manifest: withSteps([{ percent: 10, bake: '1000000h' }, { percent: 100 }]), field: 'alias.steps[0].bake', message: /more than the maximum 1d/ },
  { name: 'a bake of 25h', manifest: withSteps([{ percent: 100, bake: '25h' }]), field: 'alias.steps[0].bake', message: /more than the maximum 1d/ },
  { name: 'a bake of 86401 seconds as a bare number', manifest: withSteps([{ percent: 100, bake: 86_401 }]), field: 'alias.steps[0].bake', message: /a bare number is seconds/ },
  { name: 'bakes of 96h in all', manifest: withSteps([{ percent: 10, bake: '24h' }, { percent: 20, bake: '24h' }, { percent: 50, bake: '24h' }, { percent: 100, bake: '24h' }]), field: 'alias.steps', message: /bake 4d in all, more than the 3d/ },
  { name: 'an approval timeout of 8 days', manifest: withAlias({ requireApproval: true, approvalTimeout: '8d' }), field: 'alias.approvalTimeout', message: /more than the maximum 7d/ },
  { name: 'an approval timeout without an approval gate', manifest: withAlias({ approvalTimeout: '1h' }), field: 'alias.approvalTimeout', message: /requireApproval is not true/ },
  { name: 'a maxDuration of 0', manifest: withExpect({ maxDuration: 0 }), field: 'verification[0].expect.maxDuration', message: /is 0s, less than the minimum 1ms \(every invocation takes longer than 0 ms.*roll it back\); write e\.g\. 500ms/ },
  { name: 'a maxDuration of "0ms"', manifest: withExpect({ maxDuration: '0ms' }), field: 'verification[0].expect.maxDuration', message: /less than the minimum 1ms/ },
  { name: 'an approval timeout of 0', manifest: withAlias({ requireApproval: true, approvalTimeout: 0 }), field: 'alias.approvalTimeout', message: /is 0s, less than the minimum 1m \(nobody can approve that fast.*undo it all\); write e\.g\. 30m/ },
  { name: 'an approval timeout of 400ms', manifest: withAlias({ requireApproval: true, approvalTimeout: '400ms' }), field: 'alias.approvalTimeout', message: /is 400ms, less than the minimum 1m/ },
  { name: 'an approval timeout of 59 seconds', manifest: withAlias({ requireApproval: true, approvalTimeout: 59 }), field: 'alias.approvalTimeout', message: /is 59s, less than the minimum 1m/ },
  { name: 'a maxDuration over SCF\'s 900 s', manifest: withExpect({ maxDuration: '901s' }), field: 'verification[0].expect.maxDuration', message: /more than the maximum 15m/ },

  // --- other shapes
  { name: 'a 0% step', manifest: withSteps([{ percent: 0 }, { percent: 100 }]), field: 'alias.steps[0].percent', message: /at least 1/ },
  { name: 'a 101% step', manifest: withSteps([{ percent: 101 }]), field: 'alias.steps[0].percent', message: /at most 100/ },
  { name: 'a fractional percent', manifest: withSteps([{ percent: 12.5 }, { percent: 100 }]), field: 'alias.steps[0].percent', message: /whole number/ },
  { name: 'steps that go down', manifest: withSteps([{ percent: 50 }, { percent: 20 }, { percent: 100 }]), field: 'alias.steps[1].percent', message: /strictly increase/ },
  { name: 'a last step under 100', manifest: withSteps([{ percent: 10 }, { percent: 60 }]), field: 'alias.steps[1].percent', message: /last step must be 100/ },
  { name: 'regionConcurrency 0', manifest: { ...base, regionConcurrency: 0 }, field: 'regionConcurrency' },
  { name: 'regionConcurrency 100', manifest: { ...base, regionConcurrency: 100 }, field: 'regionConcurrency' },
  { name: 'override "yes"', manifest: { ...base, override: 'yes' }, field: 'override' },
  { name: 'requireApproval "yes"', manifest: withAlias({ requireApproval: 'yes' }), field: 'alias.requireApproval' },
  { name: 'an invokeResult that is text', manifest: withExpect({ invokeResult: 'ok' }), field: 'verification[0].expect.invokeResult' },
  { name: 'an event that is text but not JSON', manifest: withEvent('{oops'), field: 'verification[0].event', message: /not JSON/ },
  { name: 'a short sha256', manifest: { ...base, package: { url: 'https://example.com/fn.zip', sha256: 'abc' } }, field: 'package.sha256' },
  { name: 'a URL package without sha256', manifest: { ...base, package: 'https://example.com/fn.zip' }, field: 'package.sha256' },
  { name: 'a package with both path and url', manifest: { ...base, package: { path: GOOD_ZIP, url: 'https://example.com/fn.zip', sha256: SHA } }, field: 'package' },
  { name: 'two cases with one name', manifest: { ...base, verification: [{ name: 'a' }, { name: 'a' }] }, field: 'verification[1].name' },

  // --- flags
  { name: 'a --function that breaks the rules', manifest: base, flags: ['--function', '9bad'], field: 'function', message: /\(set by --function\)/ },
  { name: 'a --regions with an unknown region', manifest: base, flags: ['--regions', 'ap-tokyo,ap-nowhere'], field: 'regions[1]', message: /\(set by --regions\)/ },
  { name: 'an --alias that is $LATEST', manifest: base, flags: ['--alias', '$LATEST'], field: 'alias.name', message: /\(set by --alias\)/ },
  { name: 'a --description with a SecretId', manifest: base, flags: ['--description', `key ${AKID}`], field: 'description', message: /Tencent SecretId.*\(set by --description\)/ },
  { name: 'a --sha256 that is not hex', manifest: { ...base, package: 'https://example.com/fn.zip' }, flags: ['--sha256', 'zz'], field: 'package.sha256' },
];

/** The cases that also run through the real CLI process. */
const THROUGH_THE_PROCESS = ['a billion-laughs anchor bomb', 'a byte that is not UTF-8', 'a 3 MB event', 'a Tencent SecretId in an event', 'a bake of 1000000h'];

let written = 0;
function writeManifest(manifest: BadInput['manifest']): string {
  const value = typeof manifest === 'function' ? manifest() : manifest;
  const file = path.join(dir, `case-${++written}.yaml`);
  writeFileSync(file, typeof value === 'string' || Buffer.isBuffer(value) ? value : YAML.stringify(value, { lineWidth: 0 }));
  return file;
}

/** The refusal's lines for `field` (`  <field>: <message>`), under the "nothing was started" heading. */
function refusalLines(stderr: string, field: string): string[] {
  if (!stderr.includes('invalid release manifest') || !stderr.includes('nothing was started')) return [];
  return stderr.split('\n').filter((line) => line.startsWith(`  ${field}: `));
}

function expectRefused(exitCode: number | null, stderr: string, c: BadInput): void {
  const lines = refusalLines(stderr, c.field);
  expect({ exitCode, namesTheField: lines.length > 0, stderr: stderr.slice(0, 2000) }).toEqual({ exitCode: 64, namesTheField: true, stderr: expect.any(String) });
  if (c.message) expect(lines.filter((line) => c.message!.test(line))).toEqual([expect.any(String)]);
}

describe('the bad-input corpus', () => {
  const t = useScfWorld();

  it('has at least 100 cases, each with its own name', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const name of THROUGH_THE_PROCESS) expect(CASES.map((c) => c.name)).toContain(name);
  });

  describe.each(CASES.map((c) => [c.name, c] as const))('when a manifest has %s', (_name, c) => {
    it('then release exits 64 naming the field', async () => {
      const run = await runCli(registerReleaseCommand, ['release', '-f', writeManifest(c.manifest), '--task-queue', t.world.taskQueue, ...(c.flags ?? [])]);
      expectRefused(run.exitCode, run.stderr, c);
    });
  });

  it('when some of them go through the real CLI process, then it exits 64 naming the field too', async () => {
    const cases = THROUGH_THE_PROCESS.map((name) => CASES.find((c) => c.name === name)!);
    const runs = await Promise.all(cases.map((c) => spawnCli(['release', '-f', writeManifest(c.manifest), '--task-queue', t.world.taskQueue, ...(c.flags ?? [])])));
    runs.forEach((run, i) => expectRefused(run.code, run.stderr, cases[i]));
  });

  it('when every case has been tried, then no workflow started on their task queue and SCF saw no mutating call', async () => {
    const { env, world } = t;
    // A control that does start one (a read-only plan): once it is visible, anything a case had started would be too.
    world.sim.admin.seedFunction({ region: 'ap-guangzhou', functionName: 'corpus-fn', files: { 'index.js': 'exports.main_handler = async () => 1;\n' }, handler: 'index.main_handler', runtime: 'Nodejs18.15' });
    const control = await runCli(registerReleaseCommand, ['release', '-f', writeManifest(base), '--task-queue', world.taskQueue, '--plan']);
    expect(control.exitCode).toBe(0);
    const query = `TaskQueue = '${world.taskQueue}'`;
    const { count } = await eventually(() => env.client.workflow.count(query), (c) => c.count >= 1);
    expect(count).toBe(1);
    // Nothing ran: no call that changes SCF state (the simulator's own list), and no invoke either.
    const mutating = world.sim.admin.requestLog().filter((e) => MUTATING.has(e.action) || e.action === 'InvokeFunction' || e.action === 'Invoke');
    expect(mutating).toEqual([]);
  });
});
