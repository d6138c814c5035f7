/**
 * A fleet of twin IPMI BMCs in a worker thread, for bench/ipmi/main.ts: it
 * starts the fleet from `workerData`, posts the BMC addresses, and disposes
 * of the fleet (then exits) when told 'stop'.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { startWireIpmiFleet, type WireIpmiFleetOptions } from '../../scenarios/index.js';

export interface FleetStarted {
  readonly addresses: ReadonlyArray<{ host: string; port: number }>;
  readonly fallback: string | undefined;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const fleet = await startWireIpmiFleet(workerData as WireIpmiFleetOptions);
  const started: FleetStarted = { addresses: fleet.members.map((m) => ({ host: m.host, port: m.port })), fallback: fleet.fallback };
  port.postMessage(started);
  port.once('message', () => {
    void fleet.dispose().finally(() => port.close());
  });
}
