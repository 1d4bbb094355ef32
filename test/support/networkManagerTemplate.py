# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
"""python3-dbusmock's NetworkManager template, with the manager's State and
Connectivity parameters typed as NetworkManager types them (u): the template
takes the JSON numbers of its -p parameters as they come, which dbus-python
sends as i, a type the real daemon never sends (and Steward refuses).

python3 -m dbusmock --session --template THIS_FILE -p '{"Connectivity": 2}'
"""

import dbus
# Everything the template defines: its bus name, objects and mock methods, which dbusmock picks from this module.
from dbusmock.templates.networkmanager import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import
from dbusmock.templates import networkmanager

TYPED = ('State', 'Connectivity')


def load(mock, parameters):
    networkmanager.load(mock, {
        name: dbus.UInt32(value) if name in TYPED else value for name, value in parameters.items()
    })
