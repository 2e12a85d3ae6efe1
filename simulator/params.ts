import { ApiError, Errors } from './errors';

/** Typed access to request parameters (JSON body for POST, flattened query for GET). */
export class Params {
  constructor(readonly raw: Record<string, unknown>, private readonly fromQuery: boolean) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  str(name: string, opts: { required: true }): string;
  str(name: string, opts?: { required?: boolean }): string | undefined;
  str(name: string, opts: { required?: boolean } = {}): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || (opts.required && v === '')) {
      if (opts.required) throw Errors.missingParameter(name);
      return undefined;
    }
    if (typeof v !== 'string') {
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw Errors.invalidParameterType(name, 'String');
    }
    return v;
  }

  int(name: string, opts: { required?: boolean } = {}): number | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') {
      if (opts.required) throw Errors.missingParameter(name);
      return undefined;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n)) throw Errors.invalidParameterType(name, 'Integer');
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    if (this.fromQuery && (v === '1' || v === '0')) return v === '1';
    throw Errors.invalidParameterType(name, 'Boolean');
  }

  obj(name: string): Record<string, unknown> | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw Errors.invalidParameterType(name, 'Object');
    return v as Record<string, unknown>;
  }

  arr(name: string): unknown[] | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw Errors.invalidParameterType(name, 'Array');
    return v;
  }
}

/** `value[key]` when the value is an object (or array), else undefined: reads one field of an untrusted request value. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** "Environment.Variables.0.Key=x" → { Environment: { Variables: [{ Key: 'x' }] } } */
export function unflattenQuery(entries: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const parts = key.split('.');
    // An array (for numeric parts) or a plain object, both indexed here by the part's string.
    let cur: Record<string, unknown> = root;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      const last = i === parts.length - 1;
      if (last) cur[p] = value;
      else {
        const nextIsIndex = /^\d+$/.test(parts[i + 1]!);
        if (cur[p] === undefined || typeof cur[p] !== 'object') cur[p] = nextIsIndex ? [] : {};
        cur = cur[p] as Record<string, unknown>;
      }
    }
  }
  return root;
}

export function invalidValue(sub: string, message: string): ApiError {
  return new ApiError(sub ? `InvalidParameterValue.${sub}` : 'InvalidParameterValue', message);
}
