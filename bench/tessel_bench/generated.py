"""Reads what `tessel compile` wrote: the declared arena in the header and report.json."""

import glob
import json
import os
import re

_ARENA_DEFINE = re.compile(r"^#define\s+(\w+)_ARENA_BYTES\s+(\d+)", re.MULTILINE)


def declared_arena_bytes(generated_dir):
    """The `<MACRO>_ARENA_BYTES` value of the generated header, or None if there is none."""
    for header in sorted(glob.glob(os.path.join(generated_dir, "*.h"))):
        with open(header) as f:
            match = _ARENA_DEFINE.search(f.read())
        if match:
            return int(match.group(2))
    return None


class Report:
    """The compiler's report.json; every field may be missing (older compilers write none)."""

    def __init__(self, data=None):
        self.data = data if isinstance(data, dict) else {}

    def get(self, *path):
        """The value at a path of keys, e.g. get("chosen", "macs"); None when any is missing."""
        value = self.data
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    @property
    def present(self):
        return bool(self.data)

    @property
    def schedule(self):
        return self.get("chosen", "schedule")

    @property
    def predicted_ms(self):
        return _number(self.get("chosen", "predicted_ms"))

    @property
    def arena_bytes(self):
        return _number(self.get("chosen", "arena_bytes"))

    @property
    def macs(self):
        return _number(self.get("chosen", "macs"))


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def read_report(generated_dir):
    """report.json beside the generated code; an empty Report when absent or unreadable."""
    path = os.path.join(generated_dir, "report.json")
    try:
        with open(path) as f:
            return Report(json.load(f))
    except (OSError, ValueError):
        return Report()
