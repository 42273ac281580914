"""Finds the hot loop in GCC's or Clang's assembly for AArch64 and ARMv7 (A32).

A loop is a label and a later branch back to it; an innermost loop contains no other. The hot
loop of a micro-kernel is the innermost loop with the most fused multiply-adds (FMLA on AArch64,
VFMA/VMLA on ARMv7): it needs no marker in the source, so the code measured is the code shipped.
"""

import re

_LABEL = re.compile(r"^([.\w$]+):")
# Branches whose last operand is a label: b, b.ne / bne, cbz, cbnz, tbz, tbnz, bgt, ...
_BRANCH = re.compile(r"^(b(\.?[a-z]{2})?|cbn?z|tbn?z)$")
_FMA = re.compile(r"^(fmla|vfma|vmla)(\.|$)")
_LOAD = re.compile(r"^(ld[1-4]r?|ldr\w*|ldp\w*|ldur\w*|vld[1-4]|vldr|vldm\w*|vld1r)(\.|$)")
_STORE = re.compile(r"^(st[1-4]|str\w*|stp\w*|stur\w*|vst[1-4]|vstr|vstm\w*)(\.|$)")


def _strip_comment(text):
    for marker in ("//", "@", ";"):
        at = text.find(marker)
        if at >= 0:
            text = text[:at]
    return text.strip()


class Loop:
    """Instructions of one loop, label to back branch, as text llvm-mca reads."""

    def __init__(self, instructions):
        self.instructions = instructions

    def mnemonics(self):
        return [i.split()[0].lower() for i in self.instructions]

    def count(self, pattern):
        return sum(1 for m in self.mnemonics() if pattern.match(m))

    @property
    def fmas(self):
        return self.count(_FMA)

    @property
    def loads(self):
        return self.count(_LOAD)

    @property
    def stores(self):
        return self.count(_STORE)

    def mca_input(self):
        """The body for llvm-mca; the back branch jumps to a label of its own."""
        body = []
        for text in self.instructions:
            parts = text.split()
            if _BRANCH.match(parts[0].lower()):
                text = re.sub(r"[.\w$]+$", ".Lmca_loop", text)
            body.append(text)
        return ".Lmca_loop:\n" + "\n".join("\t" + t for t in body) + "\n"


def innermost_loops(assembly):
    """Every innermost loop of an assembly listing."""
    lines, labels = [], {}
    for raw in assembly.splitlines():
        text = _strip_comment(raw)
        label = _LABEL.match(text)
        if label:
            labels[label.group(1)] = len(lines)
            text = text[label.end():].strip()
        if text and not text.startswith("."):
            lines.append(text)
    spans = []
    for index, text in enumerate(lines):
        parts = text.replace(",", " ").split()
        if _BRANCH.match(parts[0].lower()) and len(parts) > 1:
            start = labels.get(parts[-1])
            if start is not None and start <= index:
                spans.append((start, index))
    inner = [s for s in spans
             if not any(o != s and s[0] <= o[0] and o[1] <= s[1] for o in spans)]
    return [Loop(lines[a:b + 1]) for a, b in inner]


def hot_loop(assembly):
    """The innermost loop with the most multiply-adds (the shorter one on a tie), or None."""
    loops = [loop for loop in innermost_loops(assembly) if loop.fmas > 0]
    if not loops:
        return None
    return max(loops, key=lambda loop: (loop.fmas, -len(loop.instructions)))
