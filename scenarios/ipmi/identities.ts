import type { ServerIdentity } from '../../twins/index.js';

/**
 * Distinct, valid identities for the n-th simulated server of a rig: serials,
 * GUIDs and product data that differ per index, so a driver reading the wrong
 * BMC shows. Plain data; the datacenter spec draws real-shaped ones.
 */
export function identityFor(index: number): ServerIdentity {
  const n = String(index).padStart(6, '0');
  const hex = index.toString(16).padStart(12, '0');
  return {
    manufacturer: 'Dell Inc.',
    manufacturerId: 674,
    productName: 'PowerEdge R640',
    productId: 0x0100,
    serialNumber: `SVC${n}`,
    boardSerialNumber: `CN70163${n}`,
    chassisSerialNumber: `CH${n}`,
    partNumber: '0X45NX',
    boardPartNumber: '0H28RR',
    firmwareVersion: '4.40.0',
    systemGuid: `4c4c4544-0042-3910-8030-${hex}`,
    bmcGuid: `11111111-2222-3333-4444-${hex}`,
    manufacturedAtMs: Date.UTC(2021, 5, 1, 12, 0),
  };
}
