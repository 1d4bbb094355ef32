# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
"""A PackageKit that misbehaves, as a python3-dbusmock template
(python3 -m dbusmock --system --template THIS_FILE), for the fault specs: the
real packagekitd (test/support/packagekit.ts) cannot be made to hang, leave
mid-transaction or answer out of bounds.

org.freedesktop.PackageKit at /org/freedesktop/PackageKit: CreateTransaction
makes a transaction object (org.freedesktop.PackageKit.Transaction) whose
SetHints answers and whose other methods (Resolve, SearchFiles, SearchNames,
GetUpdates, GetDetails) answer at once and then do what the mode says:

- "hang": nothing more; the transaction never finishes.
- "leave": packagekitd leaves the bus (the process exits) mid-transaction.
- "huge": as "finish", but a simulated InstallPackages says the package it
  would install has a 1 MB version.
- "finish": one Package signal for vips-doc (available), then Finished(success).

The test sets the mode with org.freedesktop.PackageKit.Mock.SetMode(s); the
transactions' method calls are counted by CallCount().
"""

import os

import dbus
from gi.repository import GLib

BUS_NAME = 'org.freedesktop.PackageKit'
MAIN_OBJ = '/org/freedesktop/PackageKit'
MAIN_IFACE = 'org.freedesktop.PackageKit'
MOCK_IFACE = 'org.freedesktop.PackageKit.Mock'
TRANSACTION_IFACE = 'org.freedesktop.PackageKit.Transaction'
SYSTEM_BUS = True

INFO_AVAILABLE = 2
INFO_INSTALLING = 12
FILTER_INSTALLED = 2 ** 2
EXIT_SUCCESS = 1
ACTIONS = [('Resolve', 'tas'), ('SearchFiles', 'tas'), ('SearchNames', 'tas'), ('GetUpdates', 't'),
           ('GetDetails', 'as'), ('InstallPackages', 'tas')]


def load(mock, _parameters):
    mock.mode = 'hang'
    mock.transactions = 0
    mock.calls = 0
    mock.AddProperties(MAIN_IFACE, {'VersionMajor': dbus.UInt32(1), 'BackendName': 'stand-in'})


def _package_id(mock, method):
    version = 'v' * 1_000_000 if mock.mode == 'huge' and method == 'InstallPackages' else '1.0-1'
    return f'vips-doc;{version};noarch;fedora'


def _act(mock, transaction, method, args):
    mock.calls += 1
    # Nothing is installed here: a query for installed packages finds none.
    none_installed = method == 'Resolve' and int(args[0]) & FILTER_INSTALLED

    def emit():
        if mock.mode == 'leave':
            os._exit(0)
        if mock.mode in ('huge', 'finish') and none_installed:
            transaction.EmitSignal(TRANSACTION_IFACE, 'Finished', 'uu', [dbus.UInt32(EXIT_SUCCESS), dbus.UInt32(1)])
        elif mock.mode in ('huge', 'finish'):
            transaction.EmitSignal(TRANSACTION_IFACE, 'Package', 'uss',
                                   [dbus.UInt32(INFO_INSTALLING if method == 'InstallPackages' else INFO_AVAILABLE),
                                    _package_id(mock, method), 'Documentation for vips'])
            transaction.EmitSignal(TRANSACTION_IFACE, 'Finished', 'uu', [dbus.UInt32(EXIT_SUCCESS), dbus.UInt32(1)])
        return False

    # After the reply: PackageKit answers the method, then signals.
    GLib.idle_add(emit)


def _acting(mock, method):
    return lambda transaction, *args: _act(mock, transaction, method, args)


@dbus.service.method(MAIN_IFACE, in_signature='', out_signature='o')
def CreateTransaction(self):
    self.transactions += 1
    path = f'/{self.transactions}'
    methods = [('SetHints', 'as', '', ''), ('Cancel', '', '', '')]
    methods += [(name, signature, '', _acting(self, name)) for name, signature in ACTIONS]
    self.AddObject(path, TRANSACTION_IFACE, {}, methods)
    return dbus.ObjectPath(path)


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def SetMode(self, mode):
    self.mode = mode


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='u')
def CallCount(self):
    return dbus.UInt32(self.calls)
