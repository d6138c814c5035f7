/**
 * Vendor quirks as data. A profile is chosen from what the service says about
 * itself (service root `Vendor` and `Oem` keys, the system's `Manufacturer`,
 * the manager's `Model`, the system's `Model`); the driver follows the service
 * (links, annotations) for everything else. Every quirk a profile sets names,
 * in `notes`, the field note it comes from (../shared/research/bmc-field-notes.md:
 * "FN n" is item n of "Vendor Redfish and IPMI quirks", "peer n" item n of "What
 * users of the peer systems ask for") or the design line; a test checks that
 * none is uncited.
 */

export interface Quirks {
  /** PATCH without If-Match is refused: send `*` when the resource offers no ETag. */
  readonly ifMatchRequired: boolean;
  /** Staging BIOS settings must carry `@Redfish.SettingsApplyTime` even when the BMC does not advertise it. */
  readonly biosApplyTimeRequired: boolean;
  /** Staged BIOS settings take effect only through a BMC config job (created by the PATCH, or posted to the manager's job queue). */
  readonly biosConfigJob: boolean;
  /** Where to look for VirtualMedia first. */
  readonly virtualMediaFirst: 'manager' | 'system';
  /** InsertMedia must not carry `Inserted`/`WriteProtected` (read-only there). */
  readonly insertMediaOmitFlags: boolean;
  /** InsertMedia must carry `TransferProtocolType`. */
  readonly insertMediaTransferProtocol: boolean;
  /** The vmedia URL may not contain `?` or `=`. */
  readonly vmediaUrlNoQuery: boolean;
  /** Boot target to use for `Cd` when the BMC lists no allowable targets. */
  readonly cdBootTarget: 'Cd' | 'UsbCd';
  /** `BootSourceOverrideEnabled: Continuous` is not accepted. */
  readonly continuousBootUnsupported: boolean;
  /** ForceRestart hangs the host: do ForceOff, wait, On instead. */
  readonly forceRestartHangs: boolean;
  /** `@Redfish.OperationApplyTime` on a volume DELETE is refused. */
  readonly volumeDeleteNoApplyTime: boolean;
  /** The service tag lives in the system's `SKU`, not `SerialNumber`. */
  readonly serviceTagInSku: boolean;
  /** Floor of the retry back-off base for this BMC (0: the config's retryBaseDelayMs). */
  readonly busyRetryDelayMs: number;
  /** Message ids that mean "busy for a moment, retry" on any status. */
  readonly transientMessageIds: readonly string[];
}

export const GENERIC_QUIRKS: Quirks = {
  ifMatchRequired: false,
  biosApplyTimeRequired: false,
  biosConfigJob: false,
  virtualMediaFirst: 'manager',
  insertMediaOmitFlags: false,
  insertMediaTransferProtocol: false,
  vmediaUrlNoQuery: false,
  cdBootTarget: 'Cd',
  continuousBootUnsupported: false,
  forceRestartHangs: false,
  volumeDeleteNoApplyTime: false,
  serviceTagInSku: false,
  busyRetryDelayMs: 0,
  transientMessageIds: [],
};

/** What the service says about itself. */
export interface ServiceFacts {
  readonly vendor: string | undefined;
  readonly oemKeys: readonly string[];
  readonly manufacturer: string | undefined;
  readonly managerModel: string | undefined;
  readonly systemModel: string | undefined;
}

/** A profile matches when any of its patterns matches (case-insensitive). */
export interface ProfileMatch {
  readonly vendor?: RegExp;
  readonly oemKey?: RegExp;
  readonly manufacturer?: RegExp;
  readonly managerModel?: RegExp;
}

export interface VendorProfile {
  readonly id: string;
  readonly match: ProfileMatch;
  readonly quirks: Partial<Quirks>;
  /** The source of each quirk set above. */
  readonly notes: { readonly [K in keyof Quirks]?: string };
  /** Narrower entries for some models: applied on top when `systemModel` matches. */
  readonly models?: ReadonlyArray<{ readonly systemModel: RegExp; readonly quirks: Partial<Quirks>; readonly notes: { readonly [K in keyof Quirks]?: string } }>;
}

export const VENDOR_PROFILES: readonly VendorProfile[] = [
  {
    id: 'dell-idrac',
    match: { vendor: /^dell/i, oemKey: /^dell$/i, manufacturer: /^dell/i, managerModel: /idrac/i },
    quirks: {
      biosApplyTimeRequired: true,
      biosConfigJob: true,
      virtualMediaFirst: 'system',
      volumeDeleteNoApplyTime: true,
      serviceTagInSku: true,
      busyRetryDelayMs: 10_000,
      transientMessageIds: ['SYS518'],
    },
    notes: {
      biosApplyTimeRequired: 'FN 7: BIOS apply must carry @Redfish.SettingsApplyTime (ironic redfish-fix-bios-settings-apply-time)',
      biosConfigJob: 'peer 12: Dell BIOS changes are jobs, not PATCHes — parse the job id from the PATCH answer (infra-controller#636); FN 8 job lifecycle',
      virtualMediaFirst: 'FN 1: iDRAC VirtualMedia lives under /Systems/{id}/VirtualMedia (bmclib getVirtualMedia fallback)',
      volumeDeleteNoApplyTime: 'FN 6: @Redfish.OperationApplyTime rejected on volume delete from iDRAC 6.00.02.00',
      serviceTagInSku: 'FN 9: service tag is in SKU, SerialNumber holds the board serial (ironic idrac-inspect-sku)',
      busyRetryDelayMs: 'FN 10: iDRAC needs 10–20 s between operations (sushy increase-server-retries)',
      transientMessageIds: 'FN 5: SYS518 while iDRAC reloads after a volume delete — retry (sushy fix-retry_volume_operation-on_sys518)',
    },
  },
  {
    id: 'hpe-ilo',
    match: { vendor: /^hpe?$/i, oemKey: /^hpe?$/i, manufacturer: /^(hpe?|hewlett)/i, managerModel: /ilo/i },
    quirks: { ifMatchRequired: true, busyRetryDelayMs: 2_000 },
    notes: {
      ifMatchRequired: 'DESIGN.md vendor flavours "ETag required on PATCH" (iLO 5/6 answer 428 without If-Match); FN 40 for ETag hygiene',
      busyRetryDelayMs: 'FN 17: iLO refuses a power change for several seconds after the last one (400 "invalid for current system state") — retry long enough to outlast it (sushy retry-ilo-not-ready-error)',
    },
  },
  {
    id: 'lenovo-xcc',
    match: { vendor: /^lenovo/i, oemKey: /^lenovo$/i, manufacturer: /^lenovo/i, managerModel: /xcc|xclarity/i },
    quirks: { continuousBootUnsupported: true },
    notes: {
      continuousBootUnsupported: 'FN 23: BootSourceOverrideEnabled allows only Once/Disabled (bmclib providers/lenovo/boot.go)',
    },
    models: [
      {
        systemModel: /SR\s*675\s*V3/i,
        quirks: { forceRestartHangs: true },
        notes: { forceRestartHangs: 'FN 25: SR 675 V3 OVX hangs on ForceRestart → ForceOff, wait 10 s, On (libredfish src/lenovo.rs)' },
      },
    ],
  },
  {
    id: 'supermicro',
    match: { vendor: /^supermicro/i, oemKey: /^supermicro$/i, manufacturer: /^supermicro/i },
    quirks: { insertMediaOmitFlags: true, vmediaUrlNoQuery: true, cdBootTarget: 'UsbCd' },
    notes: {
      insertMediaOmitFlags: 'FN 28: X11/X12 treat Inserted/WriteProtected as read-only, InsertMedia must omit them',
      vmediaUrlNoQuery: 'FN 29: X12 rejects ? or = in the vmedia URL (ironic remove-filename-param-from-vmedia-url)',
      cdBootTarget: 'FN 27: vmedia boot target is UsbCd instead of Cd (sushy change-bootdev-smc)',
    },
    models: [
      {
        systemModel: /ARS-111GL-NHR/i,
        quirks: { cdBootTarget: 'Cd' },
        notes: { cdBootTarget: 'FN 27: except ARS-111GL-NHR, which uses Cd (sushy supermicro-vmedia-dev-workaround)' },
      },
    ],
  },
  {
    id: 'nokia',
    match: { vendor: /^nokia/i, oemKey: /^nokia$/i, manufacturer: /^nokia/i },
    quirks: { insertMediaTransferProtocol: true },
    notes: { insertMediaTransferProtocol: 'FN 37: Nokia InsertMedia requires TransferProtocolType (sushy retry-if-transferprototype-missing)' },
  },
];

export interface SelectedProfile {
  readonly id: string;
  readonly quirks: Quirks;
}

const test = (re: RegExp | undefined, value: string | undefined): boolean => re !== undefined && value !== undefined && re.test(value);

/** The first profile any fact matches, with model entries applied; `generic` when none does. */
export function selectProfile(facts: ServiceFacts, forcedId?: string): SelectedProfile {
  const profile =
    forcedId !== undefined
      ? VENDOR_PROFILES.find((p) => p.id === forcedId)
      : VENDOR_PROFILES.find(
          (p) =>
            test(p.match.vendor, facts.vendor) ||
            facts.oemKeys.some((k) => test(p.match.oemKey, k)) ||
            test(p.match.manufacturer, facts.manufacturer) ||
            test(p.match.managerModel, facts.managerModel),
        );
  if (profile === undefined) return { id: 'generic', quirks: GENERIC_QUIRKS };
  let quirks: Quirks = { ...GENERIC_QUIRKS, ...profile.quirks };
  for (const entry of profile.models ?? []) {
    if (test(entry.systemModel, facts.systemModel)) quirks = { ...quirks, ...entry.quirks };
  }
  return { id: profile.id, quirks };
}

/** Profile ids a config may force. */
export const PROFILE_IDS: readonly string[] = ['generic', ...VENDOR_PROFILES.map((p) => p.id)];
