/**
 * The BMC flavours a spec may name, and what each one reports about itself.
 * The list is closed on purpose: a flavour is behaviour the twin implements
 * (twins/redfish/flavours/), so a new one arrives with its code.
 */
export const BMC_FLAVOURS = ['dmtf', 'dell-idrac9', 'hpe-ilo5', 'supermicro', 'lenovo-xcc', 'openbmc', 'ipmi-only'] as const;
export type BmcFlavour = (typeof BMC_FLAVOURS)[number];

/** Behaviour modifiers layered on any flavour; the fault plan drives what they do. */
export const BMC_MODIFIERS = ['slow', 'flaky'] as const;
export type BmcModifier = (typeof BMC_MODIFIERS)[number];

export const BMC_PROTOCOLS = ['redfish', 'ipmi'] as const;
export type BmcProtocol = (typeof BMC_PROTOCOLS)[number];

/** IPMI channel privilege levels (IPMI 2.0 §6.8), lowest first. */
export const IPMI_PRIVILEGES = ['callback', 'user', 'operator', 'administrator', 'oem'] as const;
export type IpmiPrivilege = (typeof IPMI_PRIVILEGES)[number];

export interface FlavourProfile {
  readonly protocols: readonly BmcProtocol[];
  /** Manufacturer string when the hardware template does not give one. */
  readonly vendor: string;
  /** What the BMC calls itself (Redfish Manager Model). */
  readonly bmcModel: string;
  /** IANA private enterprise number, reported in IPMI Get Device ID (drivers pick quirks by it). */
  readonly ianaEnterprise: number;
  readonly ipmiProductId: number;
  readonly firmwareVersion: string;
  /** Serial shapes: `#` a digit, `X` a letter or digit, anything else literal. */
  readonly systemSerial: string;
  readonly boardSerial: string;
  /**
   * How long the server behind this BMC takes in POST, per timing profile: how
   * long it takes varies by vendor (memory training, option ROMs, the BMC's
   * own checks). `fast` keeps runs quick; `realistic` is roughly what such
   * servers take.
   */
  readonly postMs: { readonly fast: PostRange; readonly realistic: PostRange };
}

export interface PostRange {
  readonly minMs: number;
  readonly maxMs: number;
}

const post = (fast: [number, number], realistic: [number, number]): FlavourProfile['postMs'] => ({
  fast: { minMs: fast[0], maxMs: fast[1] },
  realistic: { minMs: realistic[0], maxMs: realistic[1] },
});

export const FLAVOUR_PROFILES: Readonly<Record<BmcFlavour, FlavourProfile>> = {
  dmtf: {
    protocols: ['redfish', 'ipmi'],
    vendor: 'Contoso',
    bmcModel: 'Redfish Reference BMC',
    ianaEnterprise: 412, // DMTF
    ipmiProductId: 0x0001,
    firmwareVersion: '1.0.0',
    systemSerial: 'XXXXXXXXXXXX',
    boardSerial: 'BRD-XXXXXXXXXX',
    postMs: post([500, 1_000], [45_000, 90_000]),
  },
  // Dell: 7-character service tag; board serials start with the country of origin.
  'dell-idrac9': {
    protocols: ['redfish', 'ipmi'],
    vendor: 'Dell Inc.',
    bmcModel: 'iDRAC9',
    ianaEnterprise: 674,
    ipmiProductId: 0x0100,
    firmwareVersion: '6.10.30.00',
    systemSerial: 'XXXXXXX',
    boardSerial: 'CNXXXXX#####XX',
    postMs: post([1_500, 2_000], [120_000, 210_000]),
  },
  // iLO still reports Hewlett-Packard's enterprise number 11.
  'hpe-ilo5': {
    protocols: ['redfish', 'ipmi'],
    vendor: 'HPE',
    bmcModel: 'iLO 5',
    ianaEnterprise: 11,
    ipmiProductId: 0x2000,
    firmwareVersion: '2.78',
    systemSerial: 'CZJ###XXXX',
    boardSerial: 'PXXXXXXXXXXXXX',
    postMs: post([1_500, 2_000], [150_000, 300_000]),
  },
  supermicro: {
    protocols: ['redfish', 'ipmi'],
    vendor: 'Supermicro',
    bmcModel: 'ASPEED AST2600',
    ianaEnterprise: 10876,
    ipmiProductId: 0x1b2f,
    firmwareVersion: '01.01.06',
    systemSerial: 'S###XXXXXX#####',
    boardSerial: 'OM###S######',
    postMs: post([500, 1_200], [45_000, 100_000]),
  },
  'lenovo-xcc': {
    protocols: ['redfish', 'ipmi'],
    vendor: 'Lenovo',
    bmcModel: 'XClarity Controller',
    ianaEnterprise: 19046,
    ipmiProductId: 0x0225,
    firmwareVersion: '4.20',
    systemSerial: 'J###XXXX',
    boardSerial: 'L1HFXXXX###',
    postMs: post([1_200, 2_000], [120_000, 240_000]),
  },
  openbmc: {
    protocols: ['redfish', 'ipmi'],
    vendor: 'OpenBMC',
    bmcModel: 'OpenBMC',
    ianaEnterprise: 49871, // OpenBMC Project
    ipmiProductId: 0x0001,
    firmwareVersion: '2.14.0',
    systemSerial: 'XXXXXXXXXXXX',
    boardSerial: 'YLXXXXXXXXXX',
    postMs: post([800, 1_500], [60_000, 120_000]),
  },
  // Legacy gear: an IPMI 2.0 BMC with no Redfish service, as on older Intel boards.
  'ipmi-only': {
    protocols: ['ipmi'],
    vendor: 'Intel Corporation',
    bmcModel: 'Integrated BMC',
    ianaEnterprise: 343,
    ipmiProductId: 0x0b2b,
    firmwareVersion: '1.43',
    systemSerial: 'BQWL#######',
    boardSerial: 'BQWL#######',
    postMs: post([700, 1_500], [60_000, 150_000]),
  },
};
