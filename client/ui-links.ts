/** Links into the Temporal Web UI, printed next to each run and schedule. */

export function workflowUiLink(uiUrl: string, namespace: string, workflowId: string, runId?: string): string {
  // Workflow ids contain `/` (`release/ns/fn/id`), so they are encoded as one path segment.
  const base = `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

export function workflowListUiLink(uiUrl: string, namespace: string, query: string): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

export function scheduleUiLink(uiUrl: string, namespace: string, scheduleId: string): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/schedules/${encodeURIComponent(scheduleId)}`;
}
