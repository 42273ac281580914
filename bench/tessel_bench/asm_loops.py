"""Finds the hot loop in GCC's or Clang's assembly for AArch64 and ARMv7 (A32).

A loop is a label and a later branch back to it; an innermost loop contains no other. The hot
loop of a micro-kernel is the interior loop of its largest register block: among the innermost
loops nearly as dense in vector multiply-adds (FMLA on AArch64, VFMA/VMLA on q or d registers on
ARMv7) as the densest, the one with the most. A border loop the compiler unrolled may hold more
multiply-adds, but among many more instructions; a smaller block's loop is about as dense but
holds fewer. It needs no marker in the source, so the code measured is the code shipped.
"""

import re

_LABEL = re.compile(r"^([.\w$]+):")
# Branches whose last operand is a label: b, b.ne / bne, cbz, cbnz, tbz, tbnz, bgt, ...
_BRANCH = re.compile(r"^(b(\.?[a-z]{2})?|cbn?z|tbn?z)$")
_FMA = re.compile(r"^(fmla|vfma|vmla)(\.|$)")
_LOAD = re.compile(r"^(ld[1-4]r?|ldr\w*|ldp\w*|ldur\w*|vld[1-4]|vldr|vldm\w*|vld1r)(\.|$)")
_SCALAR_ARMV7 = re.compile(r"^\S+\s+s\d+\s*,")
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
        """Vector multiply-adds: not ARMv7's scalar `vfma.f32 s0, ...`."""
        return sum(1 for text in self.instructions
                   if _FMA.match(text.split()[0].lower()) and not _SCALAR_ARMV7.search(text))

    @property
    def density(self):
        return self.fmas / len(self.instructions)

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


# How dense in multiply-adds, relative to the densest loop, a loop must be to count as a kernel's
# interior loop.
DENSITY_SHARE = 0.75


def hot_loop(assembly):
    """Among the innermost loops with at least DENSITY_SHARE of the highest density of vector
    multiply-adds, the one with the most (the denser on a tie); None without any."""
    loops = [loop for loop in innermost_loops(assembly) if loop.fmas > 0]
    if not loops:
        return None
    densest = max(loop.density for loop in loops)
    dense = [loop for loop in loops if loop.density >= DENSITY_SHARE * densest]
    return max(dense, key=lambda loop: (loop.fmas, loop.density))
