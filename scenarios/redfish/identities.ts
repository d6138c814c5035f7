import { REDFISH_FLAVOUR_DATA, REDFISH_FLAVOURS, type RedfishFlavourName, type ServerIdentity } from '../../twins/index.js';

/** A vendor's server as its Redfish flavour would front it: who made it, what it is called, its IANA number. */
const PRODUCTS: Readonly<Record<RedfishFlavourName, { readonly productName: string; readonly manufacturerId: number; readonly partNumber: string }>> = {
  dmtf: { productName: 'Contoso 3500', manufacturerId: 412, partNumber: '224071-J23' },
  'dell-idrac9': { productName: 'PowerEdge R650', manufacturerId: 674, partNumber: '0X45NX' },
  'hpe-ilo5': { productName: 'ProLiant DL360 Gen10', manufacturerId: 11, partNumber: '867959-B21' },
  supermicro: { productName: 'SYS-120U-TNR', manufacturerId: 10876, partNumber: 'SYS-120U-TNR' },
  'lenovo-xcc': { productName: 'ThinkSystem SR650', manufacturerId: 19046, partNumber: '7X06CTO1WW' },
  openbmc: { productName: 'Romulus', manufacturerId: 49871, partNumber: 'RMLS-01' },
};

/**
 * A distinct, valid identity for the n-th server behind a `flavour` BMC: the
 * flavour's manufacturer (so the driver's vendor detection sees one vendor, not
 * a Dell system behind an iLO), serials and GUIDs that differ per index.
 */
export function redfishIdentityFor(flavour: RedfishFlavourName, index: number): ServerIdentity {
  const product = PRODUCTS[flavour];
  const n = String(index).padStart(6, '0');
  const hex = index.toString(16).padStart(12, '0');
  const tag = (REDFISH_FLAVOURS.indexOf(flavour) + 1).toString(16);
  return {
    manufacturer: REDFISH_FLAVOUR_DATA[flavour].vendor.manufacturer,
    manufacturerId: product.manufacturerId,
    productName: product.productName,
    productId: 0x0100 + index,
    serialNumber: `RF${tag}${n}`,
    boardSerialNumber: `BRD${tag}${n}`,
    chassisSerialNumber: `CH${tag}${n}`,
    partNumber: product.partNumber,
    boardPartNumber: `${product.partNumber.slice(0, 6)}-B`,
    firmwareVersion: '2.10.0',
    systemGuid: `5e1f0000-0000-4000-800${tag}-${hex}`,
    bmcGuid: `5e1f0000-0000-4000-900${tag}-${hex}`,
  };
}

