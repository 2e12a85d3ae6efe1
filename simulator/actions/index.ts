import type { ActionHandler } from '../context';
import * as aliases from './aliases';
import * as functions from './functions';
import * as invoke from './invoke';
import * as namespaces from './namespaces';
import * as triggers from './triggers';

/** Action name → handler. Actions of the SDK not listed here answer InvalidAction. */
export const ACTIONS: Record<string, ActionHandler> = {
  CreateFunction: functions.CreateFunction,
  GetFunction: functions.GetFunction,
  ListFunctions: functions.ListFunctions,
  DeleteFunction: functions.DeleteFunction,
  DeleteFunctionVersion: functions.DeleteFunctionVersion,
  UpdateFunctionCode: functions.UpdateFunctionCode,
  UpdateFunctionConfiguration: functions.UpdateFunctionConfiguration,
  PublishVersion: functions.PublishVersion,
  ListVersionByFunction: functions.ListVersionByFunction,
  CopyFunction: functions.CopyFunction,
  GetFunctionAddress: functions.GetFunctionAddress,
  InvokeFunction: invoke.InvokeFunction,
  Invoke: invoke.Invoke,
  CreateAlias: aliases.CreateAlias,
  GetAlias: aliases.GetAlias,
  UpdateAlias: aliases.UpdateAlias,
  ListAliases: aliases.ListAliases,
  DeleteAlias: aliases.DeleteAlias,
  ListNamespaces: namespaces.ListNamespaces,
  CreateNamespace: namespaces.CreateNamespace,
  DeleteNamespace: namespaces.DeleteNamespace,
  ListTriggers: triggers.ListTriggers,
  CreateTrigger: triggers.CreateTrigger,
  DeleteTrigger: triggers.DeleteTrigger,
  UpdateTriggerStatus: triggers.UpdateTriggerStatus,
  UpdateTrigger: triggers.UpdateTrigger,
};

/** Actions that change state (a lost response still changed something; a dataDir snapshot is due). */
export const MUTATING = new Set([
  'CreateFunction', 'DeleteFunction', 'DeleteFunctionVersion', 'UpdateFunctionCode', 'UpdateFunctionConfiguration', 'PublishVersion',
  'CopyFunction', 'CreateAlias', 'UpdateAlias', 'DeleteAlias', 'CreateNamespace', 'DeleteNamespace',
  'CreateTrigger', 'DeleteTrigger', 'UpdateTriggerStatus', 'UpdateTrigger',
]);
