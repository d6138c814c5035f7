"""Drives a simulated BMC with OpenStack Ironic's Redfish client library (sushy).

Usage: sushy_client.py URL CA_FILE USER PASSWORD SYSTEM_ID STEP...
The twin CA verifies the BMC certificate, as an operator would configure a real one.
Steps: power-on, power-off, boot-pxe, bios. Prints one JSON object per step.
"""
import json
import sys
import time

import sushy
import urllib3

urllib3.disable_warnings()


def main() -> None:
    url, ca_file, user, password, system_id, *steps = sys.argv[1:]
    root = sushy.Sushy(url + "/redfish/v1", verify=ca_file, auth=sushy.auth.SessionAuth(username=user, password=password))
    system = root.get_system("/redfish/v1/Systems/" + system_id)
    for step in steps:
        if step == "power-on":
            system.reset_system(sushy.RESET_ON)
            deadline = time.time() + 20
            while time.time() < deadline:
                system.refresh()
                if system.power_state == sushy.POWER_STATE_ON:
                    break
                time.sleep(0.2)
            out = {"power_state": str(system.power_state)}
        elif step == "power-off":
            # iLO refuses a power change soon after another (400); newer sushy retries it (field note 17).
            retries = 0
            while True:
                try:
                    system.reset_system(sushy.RESET_FORCE_OFF)
                    break
                except sushy.exceptions.BadRequestError:
                    retries += 1
                    if retries > 20:
                        raise
                    time.sleep(0.5)
            system.refresh()
            out = {"power_state": str(system.power_state), "retries": retries}
        elif step == "boot-pxe":
            system.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_PXE, enabled=sushy.BOOT_SOURCE_ENABLED_ONCE, mode=sushy.BOOT_SOURCE_MODE_UEFI)
            system.refresh()
            out = {"target": str(system.boot.target), "enabled": str(system.boot.enabled), "mode": str(system.boot.mode)}
        elif step == "bios":
            bios = system.bios
            out = {"attributes": bios.attributes, "registry": bios._attribute_registry, "pending": bios.pending_attributes, "apply_times": list(bios.supported_apply_times or [])}
        elif step == "info":
            out = {"uuid": system.uuid, "manufacturer": system.manufacturer, "allowed_resets": sorted(str(v) for v in system.get_allowed_reset_system_values())}
        else:
            raise SystemExit("unknown step " + step)
        print(json.dumps({"step": step, **out}, default=str), flush=True)


if __name__ == "__main__":
    main()
