"""Text tables for the terminal and JSON files for later comparison."""

import json
import os
import platform


def format_table(headers, rows):
    """Numbers right-aligned, text left-aligned; None shows as '-'."""
    cells = [[("-" if c is None else str(c)) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
              for i, h in enumerate(headers)]

    # A column is numeric when every cell that is not '-' holds a number.
    numeric = [all(_is_number(r[i]) for r in cells if r[i] != "-") for i in range(len(headers))]

    def line(values):
        return "  ".join(v.rjust(w) if numeric[i] else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths))).rstrip()

    return "\n".join([line([str(h) for h in headers])] + [line(r) for r in cells])


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def number(value, digits=1):
    return None if value is None else f"{value:.{digits}f}"


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for text in f:
                if text.startswith("model name"):
                    return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_description():
    return {"cpu": cpu_name(), "cpus": os.cpu_count(), "machine": platform.machine()}


def write_json(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    print(f"wrote {path}")
