#!/usr/bin/env python3
"""Validate OpenAPI documents with openapi-spec-validator: one line per file, exit 1 if any fails.

When FILE.json sits beside FILE.yaml, the YAML must also read back (with PyYAML, a YAML 1.1
reader) as exactly the JSON document: that is how the converter's YAML writer is checked
against a reader other than its own.

usage: validate_openapi.py FILE.yaml...
"""
import json
import os
import sys

import yaml
from openapi_spec_validator import validate

failed = 0
for path in sys.argv[1:]:
    with open(path) as f:
        document = yaml.safe_load(f)
    twin = os.path.splitext(path)[0] + ".json"
    if os.path.exists(twin):
        with open(twin) as f:
            if json.load(f) != document:
                failed += 1
                print(f"MISREAD {path}: PyYAML reads another document than {twin}")
                continue
    try:
        validate(document)
        print(f"valid {path}")
    except Exception as err:  # the validator raises several unrelated types
        failed += 1
        print(f"INVALID {path}: {str(err).splitlines()[0]}")
sys.exit(1 if failed else 0)
