import { InvalidTwinConfigError } from '../../errors.js';
import { DELL_IDRAC9 } from './dell-idrac9.js';
import { DMTF } from './dmtf.js';
import { REDFISH_FLAVOURS, type RedfishFlavour, type RedfishFlavourName } from './flavour.js';
import { HPE_ILO5 } from './hpe-ilo5.js';
import { LENOVO_XCC } from './lenovo-xcc.js';
import { OPENBMC } from './openbmc.js';
import { SUPERMICRO } from './supermicro.js';

export * from './flavour.js';

export const FLAVOURS: Readonly<Record<RedfishFlavourName, RedfishFlavour>> = {
  dmtf: DMTF,
  'dell-idrac9': DELL_IDRAC9,
  'hpe-ilo5': HPE_ILO5,
  supermicro: SUPERMICRO,
  'lenovo-xcc': LENOVO_XCC,
  openbmc: OPENBMC,
};

export function redfishFlavour(name: string): RedfishFlavour {
  if (!(REDFISH_FLAVOURS as readonly string[]).includes(name)) {
    throw new InvalidTwinConfigError(`flavour: ${JSON.stringify(name)} is not a Redfish flavour — use one of ${REDFISH_FLAVOURS.join(', ')}`);
  }
  return FLAVOURS[name as RedfishFlavourName];
}
