/**
 * A vendor flavour of the simulated Redfish BMC: data plus a few switches that the
 * one generic server consults (DESIGN.md "Vendor flavours in the twin"). Each
 * switch names the documented behaviour it reproduces (bmc-field-notes.md item).
 */
export const REDFISH_FLAVOURS = ['dmtf', 'dell-idrac9', 'hpe-ilo5', 'supermicro', 'lenovo-xcc', 'openbmc'] as const;
export type RedfishFlavourName = (typeof REDFISH_FLAVOURS)[number];

export const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'GracefulRestart', 'ForceRestart', 'Nmi', 'ForceOn', 'PushPowerButton', 'PowerCycle'] as const;
export type ResetType = (typeof RESET_TYPES)[number];

/** Boot override targets as Redfish writes them. */
export type BootTarget = 'None' | 'Pxe' | 'Hdd' | 'Cd' | 'UsbCd' | 'BiosSetup';
export type BootEnabled = 'Once' | 'Continuous' | 'Disabled';
export type BootModeName = 'UEFI' | 'Legacy';
export type ApplyTime = 'Immediate' | 'OnReset';
export type AttributeValue = string | number | boolean;

/** One BIOS attribute as its AttributeRegistry describes it. */
export type AttributeDef = {
  readonly name: string;
  readonly displayName: string;
  /** Read-only attributes are reported but refused on PATCH (PropertyNotWritable). */
  readonly readOnly?: boolean;
  /** The BIOS must reboot to apply it (all of ours do). */
} & (
  | { readonly type: 'Enumeration'; readonly values: readonly string[]; readonly defaultValue: string }
  | { readonly type: 'Integer'; readonly lowerBound: number; readonly upperBound: number; readonly defaultValue: number }
  | { readonly type: 'String'; readonly maxLength: number; readonly defaultValue: string }
  | { readonly type: 'Boolean'; readonly defaultValue: boolean }
);

export interface VirtualMediaSlot {
  readonly id: string;
  readonly name: string;
  readonly mediaTypes: readonly ('CD' | 'DVD' | 'USBStick' | 'Floppy')[];
}

export interface RedfishFlavour {
  readonly name: RedfishFlavourName;
  /** One line: whose BMC this imitates. */
  readonly description: string;
  readonly vendor: {
    /** Used when the server identity does not name a manufacturer. */
    readonly manufacturer: string;
    readonly managerModel: string;
    readonly managerFirmware: string;
    readonly biosVersion: string;
    /** The key under `Oem` (Dell, Hpe, Supermicro, Lenovo, OpenBmc, Contoso). */
    readonly oem: string;
    /** Where the service tag goes: Dell puts it in `SKU` and the board serial in `SerialNumber` (field note 9). */
    readonly serviceTagInSku: boolean;
  };
  readonly ids: {
    readonly system: string;
    readonly chassis: string;
    readonly manager: string;
    readonly storage: string;
    processor(index: number): string;
    dimm(index: number): string;
    drive(index: number): string;
    nic(index: number, name: string): string;
    readonly bmcNic: string;
    readonly firstAccountId: number;
    readonly firmwareBmc: string;
    readonly firmwareBios: string;
  };
  readonly power: {
    readonly resetTypes: readonly ResetType[];
    /** 204 (most) or 200 with a Success message (OpenBMC's bmcweb). */
    readonly resetStatus: 200 | 204;
    /**
     * A new Reset within this long of the previous one is refused with 400 (HPE iLO
     * "invalid for current system state", field note 17) — 0 for none.
     */
    readonly busyAfterResetMs: number;
  };
  readonly boot: {
    readonly targets: readonly BootTarget[];
    /** Lenovo XCC allows only Once/Disabled (field note 23). */
    readonly enabled: readonly BootEnabled[];
    readonly modes: readonly BootModeName[];
    /**
     * Supermicro: a target change that does not re-send `BootSourceOverrideEnabled`
     * reverts it to Once, and one that does not re-send the mode resets it to UEFI
     * (field notes 30, 44).
     */
    readonly targetChangeResetsEnabledAndMode: boolean;
  };
  readonly sessions: {
    /** Concurrent sessions before 503 SessionLimitExceeded (Lenovo 16, field note 22; pool exhaustion, note 41). */
    readonly limit: number;
    readonly defaultTimeoutSeconds: number;
  };
  readonly bios: {
    /** `AttributeRegistry` value and the registry's id under /redfish/v1/Registries. */
    readonly registryId: string;
    readonly attributes: readonly AttributeDef[];
    /** The settings object's last path segment: `Settings` (DMTF, Dell, HPE, Supermicro, OpenBMC) or `Pending` (Lenovo XCC). */
    readonly settingsSegment: 'Settings' | 'Pending';
    /** `reset`: pending settings apply at the next reset; `job`: only through a config job (Dell, field note 12). */
    readonly apply: 'reset' | 'job';
    /** PATCH of the settings object without If-Match → 428 (HPE iLO; mismatch → 412 on every flavour). */
    readonly requireIfMatch: boolean;
    /** What the settings object shows: every attribute with pending values merged (DMTF mockup) or only the pending ones (iDRAC). */
    readonly settingsShows: 'merged' | 'pending';
    /** A license the settings object needs before it accepts writes (Supermicro's SFT-DCMS-SINGLE). */
    readonly license?: string;
  };
  readonly storage: {
    readonly controllerName: string;
    readonly controllerModel: string;
    /** `none`: RAID is not exposed through standard Volumes (HPE iLO 5 SmartArray is configured through its OEM SmartStorage). */
    readonly volumes: 'standard' | 'none';
    readonly applyTimes: readonly ApplyTime[];
    readonly defaultApplyTime: ApplyTime;
    /** iDRAC rejects `@Redfish.OperationApplyTime` on volume DELETE (field note 6). */
    readonly deleteRejectsApplyTime: boolean;
  };
  readonly virtualMedia: {
    /** iDRAC lists VirtualMedia under the System, not the Manager (field note 1). */
    readonly under: 'manager' | 'system';
    readonly slots: readonly VirtualMediaSlot[];
    /** false: no InsertMedia/EjectMedia actions, PATCH the resource with `Image` and `Inserted` (Lenovo, field note 21). */
    readonly actions: boolean;
    /** Supermicro X11/X12 refuse `Inserted`/`WriteProtected` in InsertMedia (field note 28). */
    readonly insertRefusesInsertedFlags: boolean;
    /** Supermicro X12 rejects `?` or `=` in the image URL (field note 29). */
    readonly imageUrlRefusesQuery: boolean;
    /** HPE iLO: EjectMedia must carry a JSON body `{}`, else 415 (field note 16). */
    readonly ejectNeedsJsonBody: boolean;
    /** A license the virtual media actions need (none of ours; Supermicro's is on BIOS and updates). */
    readonly license?: string;
  };
  readonly tasks: {
    /** `monitors`: /TaskService/TaskMonitors/{id}; `task-subpath`: /TaskService/Tasks/{id}/Monitor (OpenBMC, field note 35). */
    readonly monitor: 'monitors' | 'task-subpath';
    /** A GET on a finished task's monitor deletes the task (Lenovo XCC, field note 22). */
    readonly finishedMonitorGetDeletes: boolean;
    /** The state a new task reports before it runs: iDRAC's SimpleUpdate starts in `New` (field note 8). */
    readonly firstState: 'New' | 'Running';
    /** Long operations are also Jobs under the Manager (iDRAC's Jobs collection). */
    readonly managerJobs: boolean;
  };
  readonly update: {
    readonly durationMs: number;
    /** Supermicro: BIOS/BMC update through Redfish needs a license. */
    readonly license?: string;
  };
  /** PATCH answers 200 with the resource (most) or 204 (OpenBMC). */
  readonly patchReply: 'resource' | 'no-content';
  /** `$expand` (DSP0266 "Query parameters"), as the service root advertises it; undefined: refused with 501 (DMTF reference, bmcweb's default build). */
  readonly expand: ExpandSupport | undefined;
}

/** What `$expand` does on a flavour: the forms its service root's `ProtocolFeaturesSupported.ExpandQuery` lists, and vendor deviations. */
export interface ExpandSupport {
  /** `*`: every reference, the Links too. */
  readonly expandAll: boolean;
  /** `~`: only the references under Links. */
  readonly links: boolean;
  /** `.`: every reference outside Links (a collection's Members among them). */
  readonly noLinks: boolean;
  /** `($levels=n)` is honoured, up to `maxLevels`. */
  readonly levels: boolean;
  readonly maxLevels: number;
  /**
   * HPE iLO 5: `*` expands what `.` does, and a form it lacks is served
   * unexpanded instead of refused ("non implemented OData query options are
   * silently discarded", HPE's iLO OData query options guide).
   */
  readonly lenient: boolean;
  /** Dell iDRAC 9 refuses `$expand` on the ComputerSystem with 400 (iDRAC9 Redfish API guide, "Query parameters"). */
  readonly refusedOnSystem: boolean;
}
