import { Registry, collectDefaultMetrics } from "prom-client";

let processSeries: Registry | undefined;

/**
 * The process's own Prometheus series from prom-client (CPU, memory, event-loop lag, GC, heap, handles). They belong
 * to the process, not to an app: collected once, however many apps it builds (the tests build many), so that there is
 * one event-loop monitor and one GC observer. Served by the service's /metrics and by the webhook worker's.
 */
export function processMetrics(): Registry {
  if (!processSeries) {
    processSeries = new Registry();
    collectDefaultMetrics({ register: processSeries });
  }
  return processSeries;
}
