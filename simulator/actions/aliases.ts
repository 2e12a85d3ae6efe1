import { ApiError, Errors } from '../errors';
import type { ActionHandler, CallCtx } from '../context';
import { scfTime, type AliasState, type FunctionState, type VersionMatch, type VersionWeight } from '../model';
import { field, invalidValue } from '../params';
import { getFunction, resolveVersion } from './common';

const ALIAS_NAME_RE = /^[A-Za-z](?:[A-Za-z0-9_-]{0,62}[A-Za-z0-9])?$/;

function aliasView(a: AliasState): Record<string, unknown> {
  return {
    Name: a.name,
    FunctionVersion: a.functionVersion,
    RoutingConfig: {
      AdditionalVersionWeights: a.additionalVersionWeights.map((w) => ({ ...w })),
      AddtionVersionMatchs: a.additionalVersionMatches.map((m) => ({ ...m })),
    },
    Description: a.description,
    AddTime: a.addTime,
    ModTime: a.modTime,
  };
}

/** CreateAlias/UpdateAlias document ResourceNotFound.FunctionVersion for a version that does not exist. */
function requireVersion(fn: FunctionState, v: string): void {
  if (!resolveVersion(fn, v)) throw new ApiError('ResourceNotFound.FunctionVersion', Errors.versionNotFound(fn.name, v).message);
}

function parseRouting(c: CallCtx, fn: FunctionState, primary: string): { weights: VersionWeight[]; matches: VersionMatch[] } {
  const rc = c.params.obj('RoutingConfig');
  const weights: VersionWeight[] = [];
  const matches: VersionMatch[] = [];
  if (!rc) return { weights, matches };
  const rawW = rc['AdditionalVersionWeights'] ?? [];
  const rawM = rc['AddtionVersionMatchs'] ?? [];
  if (!Array.isArray(rawW) || !Array.isArray(rawM)) throw invalidValue('RoutingConfig', 'RoutingConfig is invalid.');
  // CreateAlias documents: "an alias can have at most one additional version" (by weight or by rule, not both).
  if (rawW.length + rawM.length > 1) {
    throw invalidValue('RoutingConfig', 'An alias can have at most one additional version: one AdditionalVersionWeights entry or one AddtionVersionMatchs entry, not both.');
  }
  let sum = 0;
  for (const w of rawW as unknown[]) {
    const version = String(field(w, 'Version') ?? '');
    const rawWeight = field(w, 'Weight');
    const weight = typeof rawWeight === 'string' ? Number(rawWeight) : rawWeight;
    if (!version || typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw invalidValue('RoutingConfig', `RoutingConfig weight for version ${version} is invalid: a number between 0 and 1.`);
    }
    if (version === primary) throw invalidValue('RoutingConfig', `Version ${version} is already the alias's main version.`);
    requireVersion(fn, version);
    sum += weight;
    weights.push({ Version: version, Weight: weight });
  }
  if (sum > 1 + 1e-9) throw invalidValue('RoutingConfig', 'The sum of AdditionalVersionWeights must not exceed 1.');
  for (const m of rawM as unknown[]) {
    const version = String(field(m, 'Version') ?? '');
    const key = String(field(m, 'Key') ?? '');
    const method = String(field(m, 'Method') ?? '');
    const expression = String(field(m, 'Expression') ?? '');
    if (!version || !key || (method !== 'exact' && method !== 'range') || !expression) {
      throw invalidValue('RoutingConfig', 'AddtionVersionMatchs entries need Version, Key, Method (exact|range) and Expression.');
    }
    if (method === 'range' && !/^[[(]\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*[\])]$/.test(expression)) {
      throw invalidValue('RoutingConfig', `Range expression ${expression} is invalid, e.g. [1,100).`);
    }
    requireVersion(fn, version);
    matches.push({ Version: version, Key: key, Method: method, Expression: expression });
  }
  return { weights, matches };
}

function aliasName(c: CallCtx): string {
  const name = c.params.str('Name', { required: true });
  c.note.qualifier = name;
  return name;
}

export const CreateAlias: ActionHandler = (c) => {
  const fn = getFunction(c);
  const name = aliasName(c);
  if (name !== '$DEFAULT' && !ALIAS_NAME_RE.test(name)) throw invalidValue('Name', `Alias name ${name} is invalid.`);
  if (/^\d+$/.test(name) || name === '$LATEST') throw invalidValue('Name', `Alias name ${name} is reserved.`);
  const version = c.params.str('FunctionVersion', { required: true });
  requireVersion(fn, version);
  if (fn.aliases.has(name)) throw new ApiError('ResourceInUse.Alias', `Alias ${name} already exists.`);
  const { weights, matches } = parseRouting(c, fn, version);
  const now = scfTime();
  fn.aliases.set(name, {
    name, functionVersion: version, additionalVersionWeights: weights, additionalVersionMatches: matches,
    description: c.params.str('Description') ?? '', addTime: now, modTime: now,
  });
  return {};
};

function getAliasState(c: CallCtx, fn: FunctionState): AliasState {
  const name = aliasName(c);
  const a = fn.aliases.get(name);
  if (!a) throw new ApiError('ResourceNotFound.Alias', `Alias ${name} of function ${fn.name} does not exist.`);
  return a;
}

export const GetAlias: ActionHandler = (c) => {
  const fn = getFunction(c);
  return aliasView(getAliasState(c, fn));
};

export const UpdateAlias: ActionHandler = (c) => {
  const fn = getFunction(c);
  const a = getAliasState(c, fn);
  const version = c.params.str('FunctionVersion', { required: true });
  requireVersion(fn, version);
  const { weights, matches } = parseRouting(c, fn, version);
  a.functionVersion = version;
  a.additionalVersionWeights = weights;
  a.additionalVersionMatches = matches;
  const d = c.params.str('Description');
  if (d !== undefined) a.description = d;
  a.modTime = scfTime();
  return {};
};

export const DeleteAlias: ActionHandler = (c) => {
  const fn = getFunction(c);
  const a = getAliasState(c, fn);
  fn.aliases.delete(a.name);
  return {};
};

export const ListAliases: ActionHandler = (c) => {
  const fn = getFunction(c);
  const p = c.params;
  const offset = p.int('Offset') ?? 0;
  const limit = p.int('Limit') ?? 20;
  const version = p.str('FunctionVersion');
  let all = [...fn.aliases.values()];
  if (version) all = all.filter((a) => a.functionVersion === version);
  all.sort((x, y) => (x.addTime < y.addTime ? -1 : x.addTime > y.addTime ? 1 : x.name < y.name ? -1 : 1));
  return { Aliases: all.slice(offset, offset + limit).map(aliasView), TotalCount: all.length };
};

/** Picks the version an alias sends this call to: routing-key rules first, then weights. */
export function routeAlias(a: AliasState, routingKey: Record<string, string> | undefined, rand: () => number): string {
  if (routingKey) {
    for (const m of a.additionalVersionMatches) {
      const value = routingKey[m.Key];
      if (value === undefined) continue;
      if (m.Method === 'exact' && value === m.Expression) return m.Version;
      if (m.Method === 'range') {
        const r = /^([[(])\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*([\])])$/.exec(m.Expression);
        const n = Number(value);
        if (r && Number.isFinite(n)) {
          const lo = Number(r[2]);
          const hi = Number(r[3]);
          const okLo = r[1] === '[' ? n >= lo : n > lo;
          const okHi = r[4] === ']' ? n <= hi : n < hi;
          if (okLo && okHi) return m.Version;
        }
      }
    }
  }
  if (a.additionalVersionWeights.length) {
    const x = rand();
    let acc = 0;
    for (const w of a.additionalVersionWeights) {
      acc += w.Weight;
      if (x < acc) return w.Version;
    }
  }
  return a.functionVersion;
}
