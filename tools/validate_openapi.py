#!/usr/bin/env python3
"""Validate OpenAPI documents with openapi-spec-validator: one line per file, exit 1 if any fails.

usage: validate_openapi.py FILE.yaml...
"""
import sys

import yaml
from openapi_spec_validator import validate

failed = 0
for path in sys.argv[1:]:
    with open(path) as f:
        document = yaml.safe_load(f)
    try:
        validate(document)
        print(f"valid {path}")
    except Exception as err:  # the validator raises several unrelated types
        failed += 1
        print(f"INVALID {path}: {str(err).splitlines()[0]}")
sys.exit(1 if failed else 0)
