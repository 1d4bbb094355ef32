# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for GNOME Shell's extensions API, as a python3-dbusmock template
(python3 -m dbusmock --session --template THIS_FILE): org.gnome.Shell.Extensions
at /org/gnome/Shell on the session bus, for the integration specs, which have no
GNOME Shell to run (the e2e suite runs the real one).

It keeps gnome-shell 45-48's behaviour where Steward relies on it
(js/ui/extensionSystem.js, js/ui/shellDBus.js): info dicts as serializeExtension
writes them (state, type and version as doubles, enabled as a boolean; an empty
dict for an unknown uuid); Enable/DisableExtension answer false for an unknown
uuid; disabling an extension that is running makes it INACTIVE (2), while one in
ERROR stays in ERROR and only its "enabled" changes; enabling a broken extension
puts it in ERROR with its exception text; every change is signalled with
ExtensionStateChanged (s a{sv}).

The test drives it through org.gnome.Shell.Extensions.Mock:
AddExtension(uuid, name, enabled) installs one, Break(uuid, error) makes its
enable() throw that error (and puts a running one in ERROR, as a failure the
shell caught does), Uninstall(uuid) removes it.
"""

import dbus

BUS_NAME = 'org.gnome.Shell'
MAIN_OBJ = '/org/gnome/Shell'
MAIN_IFACE = 'org.gnome.Shell.Extensions'
MOCK_IFACE = 'org.gnome.Shell.Extensions.Mock'
SYSTEM_BUS = False

ACTIVE, INACTIVE, ERROR, UNINSTALLED = 1, 2, 3, 99


def load(mock, _parameters):
    mock.extensions = {}
    mock.AddProperty(MAIN_IFACE, 'ShellVersion', '47.0')


def _info(mock, uuid):
    extension = mock.extensions.get(uuid)
    if extension is None:
        return dbus.Dictionary({}, signature='sv')
    return dbus.Dictionary({
        'uuid': uuid,
        'name': extension['name'],
        'description': 'A stand-in extension',
        'version': dbus.Double(3),
        'type': dbus.Double(2),
        'state': dbus.Double(extension['state']),
        'enabled': dbus.Boolean(extension['enabled']),
        'error': extension['error'],
        'path': '/home/user/.local/share/gnome-shell/extensions/' + uuid,
        'hasPrefs': dbus.Boolean(False),
    }, signature='sv')


def _changed(mock, uuid, info=None):
    mock.EmitSignal(MAIN_IFACE, 'ExtensionStateChanged', 'sa{sv}', [uuid, info or _info(mock, uuid)])


def _enable(mock, uuid):
    extension = mock.extensions[uuid]
    extension['enabled'] = True
    if extension['broken']:
        extension['state'], extension['error'] = ERROR, extension['broken']
    else:
        extension['state'], extension['error'] = ACTIVE, ''


@dbus.service.method(MAIN_IFACE, in_signature='', out_signature='a{sa{sv}}')
def ListExtensions(self):
    return dbus.Dictionary({uuid: _info(self, uuid) for uuid in self.extensions}, signature='sa{sv}')


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='a{sv}')
def GetExtensionInfo(self, uuid):
    return _info(self, uuid)


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='b')
def EnableExtension(self, uuid):
    if uuid not in self.extensions:
        return False
    _enable(self, uuid)
    _changed(self, uuid)
    return True


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='b')
def DisableExtension(self, uuid):
    extension = self.extensions.get(uuid)
    if extension is None:
        return False
    extension['enabled'] = False
    if extension['state'] == ACTIVE:
        extension['state'] = INACTIVE
    _changed(self, uuid)
    return True


@dbus.service.method(MOCK_IFACE, in_signature='ssb', out_signature='')
def AddExtension(self, uuid, name, enabled):
    self.extensions[uuid] = {'name': name, 'state': INACTIVE, 'enabled': False, 'error': '', 'broken': ''}
    if enabled:
        _enable(self, uuid)
    _changed(self, uuid)


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='')
def Break(self, uuid, error):
    extension = self.extensions[uuid]
    extension['broken'] = error
    if extension['enabled']:
        extension['state'], extension['error'] = ERROR, error
        _changed(self, uuid)


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def Uninstall(self, uuid):
    info = _info(self, uuid)
    info['state'] = dbus.Double(UNINSTALLED)
    del self.extensions[uuid]
    _changed(self, uuid, info)
