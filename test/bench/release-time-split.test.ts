import { spreadSample, timeSplitOfHistories, type HistoryEvent } from '../../bench/release-time-split';

/** A history event at `ms` after the epoch with the given attributes. */
const at = (eventId: number, ms: number, attrs: Omit<HistoryEvent, 'eventId' | 'eventTime'> = {}): HistoryEvent => ({
  eventId,
  eventTime: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 },
  ...attrs,
});

/** Workflow task queued 100 ms, ran 20; activity `name` queued `queued` ms, ran `run` ms; it ends at the last event. */
function history(name: string, queued: number, run: number): HistoryEvent[] {
  return [
    at(1, 0),
    at(2, 0),
    at(3, 100, { workflowTaskStartedEventAttributes: { scheduledEventId: 2 } }),
    at(4, 120, { workflowTaskCompletedEventAttributes: { startedEventId: 3 } }),
    at(5, 120, { activityTaskScheduledEventAttributes: { activityType: { name } } }),
    at(6, 120 + queued, { activityTaskStartedEventAttributes: { scheduledEventId: 5 } }),
    at(7, 120 + queued + run, { activityTaskCompletedEventAttributes: { scheduledEventId: 5, startedEventId: 6 } }),
  ];
}

describe('bench/release-time-split', () => {
  it('when releases waited in queues and ran, then each kind gets the median of its sums', () => {
    const split = timeSplitOfHistories([history('publishAndWait', 1000, 300), history('publishAndWait', 3000, 500), history('publishAndWait', 2000, 400)]);
    expect(split.releases).toBe(3);
    expect(split.workflowTasks).toEqual({ queuedMs: 100, runMs: 20 });
    expect(split.activities).toEqual({ publishAndWait: { queuedMs: 2000, runMs: 400 } });
    expect(split.wallMs).toBe(120 + 2000 + 400);
  });

  it('when a kind is missing from some releases, then it counts as zero there', () => {
    const split = timeSplitOfHistories([history('inspectLatest', 900, 100), history('verifyCase', 10, 50), history('verifyCase', 30, 70)]);
    expect(split.activities.inspectLatest).toEqual({ queuedMs: 0, runMs: 0 });
    expect(split.activities.verifyCase).toEqual({ queuedMs: 10, runMs: 50 });
  });

  it('when the sample is smaller than the fleet, then it is spread from early to late', () => {
    expect(spreadSample([...Array(100).keys()], 4)).toEqual([12, 37, 62, 87]);
    expect(spreadSample([1, 2], 9)).toEqual([1, 2]);
  });
});
