#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Steward contributors
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes service/src/engine/gitleaks/rules.json from the vendored gitleaks.toml: the fields the redactor uses,
# without the rules and allowlists that need a file's path (redaction sees text, not files).
# Run after replacing gitleaks.toml:  python3 build/gitleaks-rules.py && npx prettier --write service/src/engine/gitleaks
# (an argument writes elsewhere: a spec checks that rules.json is what the script makes).
import json
import pathlib
import sys
import tomllib

folder = pathlib.Path(__file__).resolve().parent.parent / 'service' / 'src' / 'engine' / 'gitleaks'
config = tomllib.loads((folder / 'gitleaks.toml').read_text())


def allowlist(entry):
    kept = {key: entry[key] for key in ('regexTarget', 'regexes', 'stopwords') if key in entry}
    return kept if 'regexes' in kept or 'stopwords' in kept else None


rules = []
for rule in config['rules']:
    if 'regex' not in rule or 'path' in rule:
        continue
    allowlists = [kept for entry in rule.get('allowlists', []) if 'paths' not in entry and (kept := allowlist(entry))]
    rules.append(
        {
            'id': rule['id'],
            'regex': rule['regex'],
            'keywords': rule.get('keywords', []),
            **({'secretGroup': rule['secretGroup']} if 'secretGroup' in rule else {}),
            **({'entropy': rule['entropy']} if 'entropy' in rule else {}),
            **({'allowlists': allowlists} if allowlists else {}),
        }
    )

glob = config['allowlist']
out = {'allowlist': {'regexes': glob.get('regexes', []), 'stopwords': glob.get('stopwords', [])}, 'rules': rules}
target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else folder / 'rules.json'
target.write_text(json.dumps(out, indent=2) + '\n')
print(f'{len(rules)} of {len(config["rules"])} rules written to {target}')
