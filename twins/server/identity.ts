import { InvalidTwinConfigError } from '../errors.js';

/**
 * Who a server says it is, as its BMC reports it (IPMI Get Device ID and FRU,
 * Redfish ComputerSystem/Manager). Plain data from the caller: the datacenter
 * spec fills it; tests write it by hand.
 */
export interface ServerIdentity {
  /** e.g. `Dell Inc.` */
  readonly manufacturer: string;
  /** IANA private enterprise number of the manufacturer (Dell 674, HPE 11, Supermicro 10876); 20 bits. */
  readonly manufacturerId: number;
  /** e.g. `PowerEdge R640` */
  readonly productName: string;
  /** The vendor's product id, 16 bits. */
  readonly productId: number;
  /** The product (system) serial, e.g. the service tag. */
  readonly serialNumber: string;
  readonly boardSerialNumber: string;
  readonly chassisSerialNumber: string;
  readonly partNumber: string;
  readonly boardPartNumber: string;
  /** BMC firmware, `MAJOR.MINOR[.PATCH…]`, e.g. `2.13.0`. */
  readonly firmwareVersion: string;
  /** The host's SMBIOS UUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
  readonly systemGuid: string;
  /** The BMC's own GUID, same spelling. */
  readonly bmcGuid: string;
  readonly assetTag?: string;
  /** When the board was made, ms since the Unix epoch. */
  readonly manufacturedAtMs?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIRMWARE = /^\d{1,3}\.\d{1,2}(?:\.\d+)*$/;
/** FRU fields are 8-bit ASCII of at most 63 bytes. */
const FRU_TEXT = /^[\x20-\x7e]{0,63}$/;

/** Checks an identity at the door; throws naming the field and the fix. */
export function checkServerIdentity(identity: ServerIdentity, field = 'identity'): ServerIdentity {
  const fail = (name: string, problem: string, fix: string): never => {
    throw new InvalidTwinConfigError(`${field}.${name}: ${problem} — ${fix}`);
  };
  const texts = ['manufacturer', 'productName', 'serialNumber', 'boardSerialNumber', 'chassisSerialNumber', 'partNumber', 'boardPartNumber'] as const;
  for (const name of texts) {
    const value: unknown = identity[name];
    if (typeof value !== 'string' || !FRU_TEXT.test(value)) fail(name, `${JSON.stringify(value)} is not printable ASCII of at most 63 characters`, 'shorten it or drop the unusual characters');
  }
  if (identity.assetTag !== undefined && !FRU_TEXT.test(identity.assetTag)) fail('assetTag', 'is not printable ASCII of at most 63 characters', 'shorten it');
  if (!Number.isInteger(identity.manufacturerId) || identity.manufacturerId < 0 || identity.manufacturerId > 0xfffff) {
    fail('manufacturerId', `${String(identity.manufacturerId)} is not a 20-bit IANA enterprise number`, 'use e.g. 674 (Dell) or 10876 (Supermicro)');
  }
  if (!Number.isInteger(identity.productId) || identity.productId < 0 || identity.productId > 0xffff) {
    fail('productId', `${String(identity.productId)} is not a 16-bit number`, 'use 0 to 65535');
  }
  if (!FIRMWARE.test(identity.firmwareVersion)) fail('firmwareVersion', `${JSON.stringify(identity.firmwareVersion)} is not MAJOR.MINOR`, 'write e.g. 2.13 or 2.13.0 (major ≤ 127, minor ≤ 99)');
  const [major, minor] = identity.firmwareVersion.split('.').map(Number);
  if ((major ?? 0) > 127 || (minor ?? 0) > 99) fail('firmwareVersion', 'is out of range', 'keep the major ≤ 127 and the minor ≤ 99');
  for (const name of ['systemGuid', 'bmcGuid'] as const) {
    if (!GUID.test(identity[name])) fail(name, `${JSON.stringify(identity[name])} is not a GUID`, 'write 8-4-4-4-12 hex digits');
  }
  if (identity.manufacturedAtMs !== undefined && !Number.isFinite(identity.manufacturedAtMs)) fail('manufacturedAtMs', 'is not a time', 'pass ms since the Unix epoch');
  return identity;
}

/** The 16 bytes of a GUID in its written order. */
export function guidBytes(guid: string): Uint8Array {
  return Uint8Array.from(Buffer.from(guid.replaceAll('-', ''), 'hex'));
}
