import { BmcCredentials, type EnrollResult, type Enroller } from '../../orchestrator/index.js';
import type { ResolvedServer } from '../../twins/index.js';

/**
 * Enrolls each server of a spec with the credentials the spec gives its BMC,
 * named as in the spec: Redfish first where the BMC speaks it, IPMI for gear
 * without it. What `drill up` and the model-fidelity runs both do.
 */
export function enrollSpecServers(enroller: Enroller, servers: readonly ResolvedServer[], onResult?: (result: EnrollResult) => void): Promise<EnrollResult[]> {
  return Promise.all(
    servers.map(async (spec) => {
      const redfish = spec.bmc.redfishPort !== undefined;
      const result = await enroller.enroll(
        { address: spec.bmc.address, port: redfish ? spec.bmc.redfishPort! : spec.bmc.ipmiPort, name: spec.name },
        { credentials: new BmcCredentials(spec.bmc.credentials.user, spec.bmc.credentials.password.reveal()), protocol: redfish ? 'auto' : 'ipmi' },
      );
      onResult?.(result);
      return result;
    }),
  );
}
