import { ApiError, Errors } from '../errors';
import type { ActionHandler } from '../context';
import { scfTime } from '../model';
import { invalidValue } from '../params';

export const ListNamespaces: ActionHandler = (c) => {
  const p = c.params;
  const offset = p.int('Offset') ?? 0;
  const limit = p.int('Limit') ?? 20;
  let all = [...c.sim.store.region(c.secretId, c.region).namespaces.values()];
  for (const k of (p.arr('SearchKey') ?? []) as Array<{ Key?: string; Value?: string }>) {
    if (k?.Key === 'Namespace' && k.Value) all = all.filter((n) => n.name.includes(k.Value!));
    if (k?.Key === 'Description' && k.Value) all = all.filter((n) => n.description.includes(k.Value!));
  }
  return {
    Namespaces: all.slice(offset, offset + limit).map((n) => ({
      Name: n.name, Description: n.description, AddTime: n.addTime, ModTime: n.modTime, Type: n.name === 'default' ? 'default' : 'custom',
    })),
    TotalCount: all.length,
  };
};

export const CreateNamespace: ActionHandler = (c) => {
  const name = c.params.str('Namespace', { required: true });
  c.note.namespace = name;
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$/.test(name) || name === 'default') {
    if (name === 'default') throw new ApiError('ResourceInUse.Namespace', `Namespace ${name} already exists.`);
    throw invalidValue('Namespace', `Namespace ${name} is invalid: 1-30 letters, digits, underscores and hyphens.`);
  }
  const region = c.sim.store.region(c.secretId, c.region);
  if (region.namespaces.has(name)) throw new ApiError('ResourceInUse.Namespace', `Namespace ${name} already exists.`);
  const now = scfTime();
  region.namespaces.set(name, { name, description: c.params.str('Description') ?? '', addTime: now, modTime: now, functions: new Map() });
  return {};
};

export const DeleteNamespace: ActionHandler = (c) => {
  const name = c.params.str('Namespace', { required: true });
  c.note.namespace = name;
  const region = c.sim.store.region(c.secretId, c.region);
  const ns = region.namespaces.get(name);
  if (!ns) throw Errors.namespaceNotFound(name);
  if (name === 'default') throw new ApiError('InvalidParameterValue.Namespace', 'The default namespace cannot be deleted.');
  if (ns.functions.size) throw new ApiError('ResourceInUse.Namespace', `Namespace ${name} still has functions.`);
  region.namespaces.delete(name);
  return {};
};
