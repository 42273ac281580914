"""One kernel call of generated code, cut out into a translation unit of its own.

`tessel compile` writes every layer as a constexpr parameter struct (`kLayerN`) and one kernel
call with literal views and region. A unit holding just one such call instantiates exactly the
kernel code the network runs for that layer, and nothing else, so its assembly has one hot loop
nest to look at.
"""

import re

from .driver import BenchError

# `constexpr tessel::Conv2dParams kLayer5 = [] { ... p.kernelH = 3; ... }();`
_PARAMS = re.compile(r"^constexpr tessel::(\w+) (kLayer\d+) = \[\] \{\n(.*?)^\}\(\);\n",
                     re.MULTILINE | re.DOTALL)
_FIELD = re.compile(r"p\.(\w+) = ([^;]+);")
# `tessel::conv2d<tessel::Act::Leaky>(kLayer5, w + 0, w + 864, ..., tessel::Region{...});`
_CALL = re.compile(r"tessel::(\w+)<[^>]*>\((kLayer\d+),.*?\);", re.DOTALL)
_VIEW_DATA = re.compile(r"tessel::(Const)?MapView\{(\w+),")


class KernelCall:
    """A kernel call of the generated source with its parameter struct."""

    def __init__(self, kernel, params_name, params_type, params_text, fields, call_text):
        self.kernel, self.params_name, self.params_type = kernel, params_name, params_type
        self.params_text, self.fields, self.call_text = params_text, fields, call_text

    def field(self, name):
        value = self.fields.get(name)
        return int(value) if value is not None and re.fullmatch(r"-?\d+", value) else value

    def unit_source(self):
        """A translation unit running only this call: `tessel_mca_kernel(w, in, out)`."""
        call = self.call_text
        for match in _VIEW_DATA.finditer(self.call_text):
            tensor = "in" if match.group(1) else "out"
            call = call.replace(match.group(0), match.group(0).replace(match.group(2), tensor))
        return ("// One kernel call of generated code (bench/mca.py).\n"
                '#include "tessel/runtime.h"\n\n'
                "namespace {\n" + self.params_text + "} // namespace\n\n"
                'extern "C" void tessel_mca_kernel(const float *w, const float *in, float *out) {\n'
                "  " + call + "\n}\n")


def kernel_calls(source):
    """Every conv2d / depthwiseConv2d call of a generated NET.cpp, in order, once per layer
    (a call split across threads appears once)."""
    params = {}
    for match in _PARAMS.finditer(source):
        fields = dict(_FIELD.findall(match.group(3)))
        params[match.group(2)] = (match.group(1), match.group(0), fields)
    calls, seen = [], set()
    for match in _CALL.finditer(source):
        kernel, name = match.group(1), match.group(2)
        if name in seen or name not in params:
            continue
        seen.add(name)
        params_type, params_text, fields = params[name]
        calls.append(KernelCall(kernel, name, params_type, params_text, fields, match.group(0)))
    if not calls:
        raise BenchError("no kernel call found in the generated source")
    return calls


# The hot micro-kernels: which calls qualify, by their literal geometry.
HOT_KERNELS = {
    "conv3x3": lambda c: (c.kernel == "conv2d" and c.field("kernelH") == 3
                          and c.field("kernelW") == 3 and c.field("strideW") == 1
                          and c.field("groups") == 1 and (c.field("inChannels") or 0) >= 16),
    "conv1x1": lambda c: (c.kernel == "conv2d" and c.field("kernelH") == 1
                          and c.field("kernelW") == 1 and c.field("groups") == 1
                          and (c.field("inChannels") or 0) >= 16),
    "dw3x3": lambda c: (c.kernel == "depthwiseConv2d" and c.field("kernelH") == 3
                        and c.field("kernelW") == 3 and c.field("strideW") == 1),
}


def first_call(calls, kind):
    """The first call of the network that is a `kind` micro-kernel (HOT_KERNELS), or None."""
    return next((c for c in calls if HOT_KERNELS[kind](c)), None)
