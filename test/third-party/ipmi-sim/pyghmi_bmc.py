"""A pyghmi BMC for drill's IPMI driver tests: power state and boot device in memory.

Usage: /usr/bin/python3 pyghmi_bmc.py PORT USER PASSWORD
Prints "ready" once bound; logs each power or boot change on stdout.
"""
import sys
import uuid

import pyghmi.ipmi.bmc as bmc


class DrillBmc(bmc.Bmc):
    def __init__(self, authdata, port):
        super().__init__(authdata, port=port, address='127.0.0.1', bmcuuid=uuid.UUID('0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'))
        self.powerstate = 'off'
        self.bootdevice = 'default'

    def _log(self, what):
        print(what, flush=True)

    def get_power_state(self):
        return self.powerstate

    def power_on(self):
        self.powerstate = 'on'
        self._log('power on')

    def power_off(self):
        self.powerstate = 'off'
        self._log('power off')

    def power_cycle(self):
        self.powerstate = 'on'
        self._log('power cycle')

    def power_reset(self):
        self._log('power reset')

    def power_shutdown(self):
        self.powerstate = 'off'
        self._log('power shutdown')

    def get_boot_device(self):
        return self.bootdevice

    def set_boot_device(self, bootdevice):
        self.bootdevice = bootdevice
        self._log('boot ' + bootdevice)


if __name__ == '__main__':
    server = DrillBmc({sys.argv[2]: sys.argv[3]}, int(sys.argv[1]))
    print('ready', flush=True)
    server.listen()
