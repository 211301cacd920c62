"""Cost model: parameters, multiply-accumulates (MACs) and activation memory,
layer by layer.

MAC convention: one multiply-accumulate per weight use per output position. A
``Conv2D`` (any ``groups``), ``DepthwiseConv2D`` or ``SeparableConv2D`` costs
(output positions) x (kernel size); a separable convolution adds its depthwise
and pointwise kernels, both applied at the output positions; a ``Dense`` layer
costs its kernel size once per position (once for a flat input). Biases,
BatchNormalization, activations, pooling, add and concatenate cost zero;
Conv1D/Conv3D and their depthwise/separable forms follow the same rule. Any
other layer that holds a ``kernel`` raises ValueError rather than being
silently counted as zero. Nested models are walked layer by layer. One MAC is
what the papers call one "multiply-add" (He et al. 2016, Table 1; Howard et al.
2017, Table 8); it is two FLOPs.

Activation convention: the elements of ONE image's tensors (batch dimension
dropped) that a naive training step keeps from the forward pass for the
backward pass: no fusion, no recomputation, every kept tensor in memory at the
end of the forward pass. It bounds the activation memory of a training step
per image, not inference memory (inference frees each tensor once its consumers
have run) and not the weights, gradients, optimizer state or workspace. The
rule is per operation, so the count does not depend on how Keras splits a unit
into layers:

- a layer with weights (``Conv*D``, ``DepthwiseConv*D``, ``Dense``,
  normalization layers, ConvNeXt's ``LayerScale``) keeps its input, which the
  weight gradient needs; a ``SeparableConv*D`` also keeps its depthwise output,
  the pointwise convolution's input;
- an element-wise non-linearity, as a layer (``ReLU``, ``Activation``) or
  fused into a weight layer (``Conv2D(..., activation="relu")``), keeps its
  output where its derivative is a function of the output (ReLU, ReLU6, leaky
  ReLU, ELU, SELU, sigmoid, hard sigmoid, tanh, softmax, exponential) and its
  input, the pre-activation, otherwise (swish/SiLU, GELU, ...);
- max pooling keeps its input; ``Multiply`` (or ``x * y``) keeps its inputs;
- sums (``Add`` or ``x + y``), concatenations, average pooling,
  ``Rescaling``, ``Normalization`` and up-sampling keep nothing (their
  gradient needs no activations);
- ``Flatten``, ``Reshape``, ``ZeroPadding*D``, ``Dropout`` (taken as the
  identity), ``Identity`` and ``Activation("linear")`` are views: a tensor kept
  through them counts as the tensor they were applied to, so a convolution
  after ``ZeroPadding2D`` keeps the unpadded tensor, as the same convolution
  with ``padding="same"`` does.

Each distinct tensor counts once, however many layers keep it (the model input
counts if the first layer keeps it). Any other layer type raises ValueError.
In a ``CostTable`` each kept tensor is counted on the row that produced it
(``activations``); ``outputs`` is the older, simpler count, the elements of the
row's outputs. The sum of every layer output is not comparable across models:
Keras fuses VGG's ReLU into ``Conv2D`` (one output per unit) but writes
ResNet's BatchNormalization, ReLU, Add and ZeroPadding2D as separate layers
(several outputs per unit), so that sum rises with the number of layer objects,
not with what training stores.

Everywhere ``k`` is an int (square kernel) or a pair ``(kh, kw)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import keras
from keras import layers

from .checks import check_bool, check_choice, check_int

__all__ = [
    "conv2d_params",
    "conv2d_macs",
    "depthwise_conv2d_params",
    "depthwise_conv2d_macs",
    "pointwise_conv2d_params",
    "pointwise_conv2d_macs",
    "separable_conv2d_params",
    "separable_conv2d_macs",
    "separable_reduction",
    "model_macs",
    "activation_count",
    "activation_bytes",
    "cost_table",
    "CostRow",
    "CostTable",
]

_CONV = (layers.Conv1D, layers.Conv2D, layers.Conv3D)
_DEPTHWISE = (layers.DepthwiseConv1D, layers.DepthwiseConv2D)
_SEPARABLE = (layers.SeparableConv1D, layers.SeparableConv2D)
_DTYPE_BYTES = {
    "float64": 8,
    "float32": 4,
    "float16": 2,
    "bfloat16": 2,
    "int8": 1,
    "uint8": 1,
}


# ---------------------------------------------------------------------------
# argument checks
def _positive_int(name: str, value: object) -> int:
    return check_int(name, value, min=1)


def _kernel_area(k: int | tuple[int, int]) -> int:
    """Return kh * kw for a kernel size given as an int or a (kh, kw) pair."""
    if isinstance(k, (tuple, list)):
        if len(k) != 2:
            raise ValueError(
                f"k must be an integer >= 1 or a pair (kh, kw), got {k!r}"
            )
        return _positive_int("k[0]", k[0]) * _positive_int("k[1]", k[1])
    return _positive_int("k", k) ** 2


def _bias(bias: object) -> int:
    return int(check_bool("bias", bias))


def _groups(c_in: int, c_out: int, groups: int) -> int:
    groups = _positive_int("groups", groups)
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"c_in and c_out must both be divisible by groups={groups}, "
            f"got c_in={c_in}, c_out={c_out}"
        )
    return groups


# ---------------------------------------------------------------------------
# closed forms
def conv2d_params(
    k: int | tuple[int, int],
    c_in: int,
    c_out: int,
    *,
    bias: bool = True,
    groups: int = 1,
) -> int:
    """Weights of a Conv2D: k*k*(c_in/groups)*c_out, plus c_out biases."""
    c_in, c_out = _positive_int("c_in", c_in), _positive_int("c_out", c_out)
    groups = _groups(c_in, c_out, groups)
    return _kernel_area(k) * (c_in // groups) * c_out + _bias(bias) * c_out


def conv2d_macs(
    h_out: int,
    w_out: int,
    k: int | tuple[int, int],
    c_in: int,
    c_out: int,
    *,
    groups: int = 1,
) -> int:
    """MACs of a Conv2D: H_out*W_out*k*k*(c_in/groups)*c_out."""
    c_in, c_out = _positive_int("c_in", c_in), _positive_int("c_out", c_out)
    groups = _groups(c_in, c_out, groups)
    positions = _positive_int("h_out", h_out) * _positive_int("w_out", w_out)
    return positions * _kernel_area(k) * (c_in // groups) * c_out


def depthwise_conv2d_params(
    k: int | tuple[int, int],
    c_in: int,
    *,
    depth_multiplier: int = 1,
    bias: bool = True,
) -> int:
    """Weights of a DepthwiseConv2D: k*k*c_in*depth_multiplier, plus one bias
    per output channel."""
    c_out = _positive_int("c_in", c_in) * _positive_int(
        "depth_multiplier", depth_multiplier
    )
    return _kernel_area(k) * c_out + _bias(bias) * c_out


def depthwise_conv2d_macs(
    h_out: int,
    w_out: int,
    k: int | tuple[int, int],
    c_in: int,
    *,
    depth_multiplier: int = 1,
) -> int:
    """MACs of a DepthwiseConv2D: H_out*W_out*k*k*c_in*depth_multiplier."""
    c_out = _positive_int("c_in", c_in) * _positive_int(
        "depth_multiplier", depth_multiplier
    )
    return (
        _positive_int("h_out", h_out)
        * _positive_int("w_out", w_out)
        * _kernel_area(k)
        * c_out
    )


def pointwise_conv2d_params(
    c_in: int, c_out: int, *, bias: bool = True
) -> int:
    """Weights of a 1x1 Conv2D: c_in*c_out, plus c_out biases."""
    return conv2d_params(1, c_in, c_out, bias=bias)


def pointwise_conv2d_macs(
    h_out: int, w_out: int, c_in: int, c_out: int
) -> int:
    """MACs of a 1x1 Conv2D: H_out*W_out*c_in*c_out."""
    return conv2d_macs(h_out, w_out, 1, c_in, c_out)


def separable_conv2d_params(
    k: int | tuple[int, int],
    c_in: int,
    c_out: int,
    *,
    bias: bool = True,
    depth_multiplier: int = 1,
) -> int:
    """Weights of a SeparableConv2D: depthwise k*k*c_in*m, pointwise
    (c_in*m)*c_out, c_out biases."""
    mid = _positive_int("c_in", c_in) * _positive_int(
        "depth_multiplier", depth_multiplier
    )
    return _kernel_area(k) * mid + pointwise_conv2d_params(
        mid, c_out, bias=bias
    )


def separable_conv2d_macs(
    h_out: int,
    w_out: int,
    k: int | tuple[int, int],
    c_in: int,
    c_out: int,
    *,
    depth_multiplier: int = 1,
) -> int:
    """MACs of a SeparableConv2D: depthwise then pointwise, both at the H_out x
    W_out positions."""
    mid = _positive_int("c_in", c_in) * _positive_int(
        "depth_multiplier", depth_multiplier
    )
    return depthwise_conv2d_macs(
        h_out, w_out, k, c_in, depth_multiplier=depth_multiplier
    ) + pointwise_conv2d_macs(h_out, w_out, mid, c_out)


def separable_reduction(k: int | tuple[int, int], c_out: int) -> float:
    """Separable / standard MACs for the same shapes: exactly 1/c_out + 1/k²
    (Howard et al. 2017, eq. 5)."""
    return 1.0 / _positive_int("c_out", c_out) + 1.0 / _kernel_area(k)


# ---------------------------------------------------------------------------
# walking a model
def _keras_graph(model: keras.Model) -> list[tuple[keras.Operation, list]]:
    """Each operation of a model's graph with the nodes (calls) it has in this
    graph.

    The one place that reads Keras internals (``Functional``, ``_functional``,
    ``_nodes_by_depth``, ``_inbound_nodes``): Keras has no public graph walk
    that keeps each call of a shared layer. If a later Keras drops one of them
    this raises RuntimeError naming the Keras version.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"model must be a keras.Model, got {type(model).__name__}"
        )
    try:
        from keras.src.models.functional import Functional

        graph = (
            model._functional if isinstance(model, keras.Sequential) else model
        )
        if not isinstance(graph, Functional):
            raise ValueError(
                "model must be a built functional or Sequential Keras model "
                "with a "
                f"known input shape, got {type(model).__name__} {model.name!r}"
            )
        in_graph = {
            id(n) for nodes in graph._nodes_by_depth.values() for n in nodes
        }
        return [
            (op, [n for n in op._inbound_nodes if id(n) in in_graph])
            for op in graph.operations
        ]
    except (AttributeError, ImportError) as err:
        raise RuntimeError(
            "cnnarch.cost walks the model graph through Keras internals, and "
            f"Keras {keras.__version__} no longer has one of them ({err})"
        ) from err


def _shape(tensor: keras.KerasTensor, layer_name: str) -> tuple[int, ...]:
    """Shape of one image's tensor (batch dropped); every dimension must be
    known."""
    shape = tuple(tensor.shape[1:])
    if any(d is None for d in shape):
        raise ValueError(
            "the cost model needs a fixed input shape, but layer "
            f"{layer_name!r} has output "
            f"shape {tuple(tensor.shape)}; build the model with e.g. "
            "input_shape=(224, 224, 3)"
        )
    return shape


def _layer_macs(layer: keras.layers.Layer, out_shape: tuple[int, ...]) -> int:
    """MACs of one call of a leaf layer whose first output has shape
    ``out_shape``."""
    channels_first = (
        getattr(layer, "data_format", "channels_last") == "channels_first"
    )
    channels = out_shape[0] if channels_first else out_shape[-1]
    positions = math.prod(out_shape) // channels
    if isinstance(layer, _SEPARABLE):
        weights = [layer.depthwise_kernel, layer.pointwise_kernel]
    elif isinstance(layer, _DEPTHWISE):
        weights = [layer.kernel]
    elif isinstance(layer, _CONV + (layers.Dense,)):
        weights = [layer.kernel]
    elif hasattr(layer, "kernel"):
        raise ValueError(
            f"the cost model does not count MACs of {type(layer).__name__} "
            f"(layer {layer.name!r})"
        )
    else:
        return 0
    return positions * sum(math.prod(w.shape) for w in weights)


# ---------------------------------------------------------------------------
# activation memory: what a naive backward pass keeps
_VIEWS = (
    layers.Flatten,
    layers.Reshape,
    layers.ZeroPadding1D,
    layers.ZeroPadding2D,
    layers.ZeroPadding3D,
    layers.Dropout,
    layers.SpatialDropout1D,
    layers.SpatialDropout2D,
    layers.SpatialDropout3D,
    layers.GaussianDropout,
    layers.GaussianNoise,
    layers.AlphaDropout,
    layers.ActivityRegularization,
    layers.Identity,
)
_KEEP_NOTHING = (
    layers.Add,
    layers.Subtract,
    layers.Average,
    layers.Concatenate,
    layers.AveragePooling1D,
    layers.AveragePooling2D,
    layers.AveragePooling3D,
    layers.GlobalAveragePooling1D,
    layers.GlobalAveragePooling2D,
    layers.GlobalAveragePooling3D,
    layers.Rescaling,
    layers.Normalization,
    layers.UpSampling1D,
    layers.UpSampling2D,
    layers.UpSampling3D,
    layers.Cropping1D,
    layers.Cropping2D,
    layers.Cropping3D,
)
_KEEP_INPUTS = (
    layers.BatchNormalization,
    layers.LayerNormalization,
    layers.GroupNormalization,
    layers.UnitNormalization,
    layers.MaxPooling1D,
    layers.MaxPooling2D,
    layers.MaxPooling3D,
    layers.GlobalMaxPooling1D,
    layers.GlobalMaxPooling2D,
    layers.GlobalMaxPooling3D,
    layers.PReLU,
    layers.Multiply,
)
_KEEP_OUTPUT = (layers.ReLU, layers.LeakyReLU, layers.ELU, layers.Softmax)
# keras.ops calls in a functional graph (ConvNeXt's residual x + y)
_OPS = {
    "Add": "nothing",
    "Subtract": "nothing",
    "Concatenate": "nothing",
    "Reshape": "view",
    "Multiply": "inputs",
}
# activations whose derivative is a function of their output
_FROM_OUTPUT = {
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "exponential",
}


class _Tensors:
    """Sizes of the tensors met in a walk, and views linked to their source.

    A key is ``(scope, id(KerasTensor))``, the scope being the nested-model
    call the tensor belongs to, or ``(row name, what)`` for a tensor internal
    to a layer (a separable convolution's depthwise output).
    """

    def __init__(self) -> None:
        self.size: dict[tuple, int] = {}
        self.source: dict[tuple, tuple] = {}

    def root(self, key: tuple) -> tuple:
        while key in self.source:
            key = self.source[key]
        return key


def _activation_name(fn: object) -> str:
    return getattr(fn, "__name__", "")


def _kept(
    op: keras.Operation,
    name: str,
    ins: list[tuple],
    outs: list[tuple],
    out_shape: tuple[int, ...],
    tensors: _Tensors,
) -> tuple[list[tuple], list[tuple]]:
    """The tensors one call keeps for the backward pass, and the internal
    tensors it makes (already sized in ``tensors``)."""
    act = _activation_name(getattr(op, "activation", None))
    if not isinstance(op, layers.Layer):  # a keras.ops call such as x + y
        rule = _OPS.get(type(op).__name__)
        if rule is None:
            raise ValueError(
                "the cost model has no activation-memory rule for the "
                f"operation {type(op).__name__} ({op.name!r})"
            )
        if rule == "view":
            tensors.source[outs[0]] = ins[0]
        return (list(ins) if rule == "inputs" else []), []
    if isinstance(op, _VIEWS) or (
        isinstance(op, layers.Activation) and act == "linear"
    ):
        tensors.source[outs[0]] = ins[0]
        return [], []
    if isinstance(op, _KEEP_NOTHING):
        return [], []
    if isinstance(op, _KEEP_INPUTS) or type(op).__name__ == "LayerScale":
        return list(ins), []
    if isinstance(op, _KEEP_OUTPUT):
        return list(outs), []
    if isinstance(op, layers.Activation):
        return (list(outs) if act in _FROM_OUTPUT else list(ins)), []
    if not isinstance(op, _CONV + _DEPTHWISE + _SEPARABLE + (layers.Dense,)):
        raise ValueError(
            "the cost model has no activation-memory rule for "
            f"{type(op).__name__} (layer {op.name!r})"
        )
    kept, internal = list(ins), []
    if isinstance(op, _SEPARABLE):  # the pointwise convolution's input
        channels_first = op.data_format == "channels_first"
        c_out = out_shape[0] if channels_first else out_shape[-1]
        mid = op.depthwise_kernel.shape[-2] * op.depthwise_kernel.shape[-1]
        positions = math.prod(out_shape) // c_out
        internal.append(((name, "depthwise"), positions * mid))
    if act in _FROM_OUTPUT:
        kept += outs
    elif act != "linear":  # the derivative needs the pre-activation
        internal.append(((name, "pre-activation"), math.prod(out_shape)))
    for key, size in internal:
        tensors.size[key] = size
    internal_keys = [key for key, _ in internal]
    return kept + internal_keys, internal_keys


# ---------------------------------------------------------------------------
# the walk
@dataclass(frozen=True)
class CostRow:
    """One call of one layer: its output shape (one image), parameters, MACs,
    the activations it produced that training keeps (``activations``, the
    module's convention) and the elements of its outputs (``outputs``)."""

    name: str
    type: str
    output_shape: tuple
    params: int
    macs: int
    activations: int
    outputs: int = 0


@dataclass
class _Call:
    row: CostRow
    produced: list[tuple]
    kept: list[tuple]


def _graph_io(model: keras.Model) -> tuple[list, list]:
    """The input and output tensors of a nested model's own graph."""
    graph = model._functional if isinstance(model, keras.Sequential) else model
    return keras.tree.flatten(graph.inputs), keras.tree.flatten(graph.outputs)


def _walk(
    model: keras.Model,
    tensors: _Tensors,
    memory: bool,
    prefix: str = "",
    top: bool = True,
    first_call: bool = True,
) -> Iterator[_Call]:
    """Yield one _Call per layer call in topological order; a shared layer's
    params count once. With ``memory``, record the tensors each call keeps."""
    for op, nodes in _keras_graph(model):
        for i, node in enumerate(nodes):
            name = prefix + op.name + (f":{i}" if len(nodes) > 1 else "")
            ins = [(prefix, id(t)) for t in node.input_tensors]
            outs = [(prefix, id(t)) for t in node.output_tensors]
            if isinstance(op, layers.InputLayer):
                if top:
                    shape = _shape(node.output_tensors[0], op.name)
                    tensors.size[outs[0]] = math.prod(shape)
                    row = CostRow(name, "InputLayer", shape, 0, 0, 0)
                    yield _Call(
                        replace(row, outputs=math.prod(shape)), outs, []
                    )
            elif isinstance(op, keras.Model):
                scope = f"{name}/"
                inner_ins, inner_outs = _graph_io(op)
                for t, key in zip(inner_ins, ins, strict=True):
                    tensors.source[(scope, id(t))] = key
                yield from _walk(
                    op,
                    tensors,
                    memory,
                    scope,
                    top=False,
                    first_call=first_call and i == 0,
                )
                for key, t in zip(outs, inner_outs, strict=True):
                    tensors.source[key] = (scope, id(t))
            else:
                shapes = [_shape(t, op.name) for t in node.output_tensors]
                for key, shape in zip(outs, shapes):
                    tensors.size[key] = math.prod(shape)
                is_layer = isinstance(op, layers.Layer)
                params = (
                    op.count_params()
                    if first_call and i == 0 and is_layer
                    else 0
                )
                macs = _layer_macs(op, shapes[0]) if is_layer else 0
                kept, internal = (
                    _kept(op, name, ins, outs, shapes[0], tensors)
                    if memory
                    else ([], [])
                )
                row = CostRow(
                    name,
                    type(op).__name__,
                    shapes[0] if len(shapes) == 1 else tuple(shapes),
                    params,
                    macs,
                    0,
                    sum(math.prod(s) for s in shapes),
                )
                yield _Call(row, outs + internal, kept)


def _rows(model: keras.Model, memory: bool = True) -> list[CostRow]:
    """The walk's rows; with ``memory``, each distinct kept tensor counted
    once, on the row that produced it (a view's source for a view)."""
    tensors = _Tensors()
    calls = list(_walk(model, tensors, memory))
    if not memory:
        return [call.row for call in calls]
    owner: dict[tuple, int] = {}
    for i, call in enumerate(calls):
        for key in call.produced:
            owner.setdefault(tensors.root(key), i)
    kept = [0] * len(calls)
    seen: set[tuple] = set()
    for call in calls:
        for root in map(tensors.root, call.kept):
            if root not in seen:
                seen.add(root)
                kept[owner[root]] += tensors.size[root]
    return [replace(call.row, activations=n) for call, n in zip(calls, kept)]


@dataclass
class CostTable:
    """Per-layer costs of a model: ``rows`` (CostRow list), ``total``,
    ``subtotal``, printable."""

    rows: list[CostRow]

    def __iter__(self) -> Iterator[CostRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, name: str) -> CostRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def subtotal(
        self, where: str | Callable[[CostRow], bool], name: str | None = None
    ) -> CostRow:
        """Sum the rows whose name starts with ``where`` (a str) or for which
        ``where(row)`` holds."""
        keep = (
            (lambda row: row.name.startswith(where))
            if isinstance(where, str)
            else where
        )
        picked = [row for row in self.rows if keep(row)]
        label = name or (where if isinstance(where, str) else "subtotal")
        return CostRow(
            label,
            "",
            (),
            sum(r.params for r in picked),
            sum(r.macs for r in picked),
            sum(r.activations for r in picked),
            sum(r.outputs for r in picked),
        )

    @property
    def total(self) -> CostRow:
        """The sum over every row, the model's params, MACs and activations."""
        return self.subtotal(lambda row: True, name="total")

    def __str__(self) -> str:
        header = (
            "layer",
            "type",
            "output shape",
            "params",
            "MACs",
            "activations",
        )
        body = [
            (
                r.name,
                r.type,
                "x".join(map(str, r.output_shape))
                if all(isinstance(d, int) for d in r.output_shape)
                else str(r.output_shape),
                f"{r.params:,}",
                f"{r.macs:,}",
                f"{r.activations:,}",
            )
            for r in self.rows
        ]
        t = self.total
        body.append(
            (
                "total",
                "",
                "",
                f"{t.params:,}",
                f"{t.macs:,}",
                f"{t.activations:,}",
            )
        )
        widths = [
            max(len(line[i]) for line in [header, *body])
            for i in range(len(header))
        ]

        def fmt(line: tuple[str, ...]) -> str:
            left = [cell.ljust(w) for cell, w in zip(line[:3], widths[:3])]
            right = [cell.rjust(w) for cell, w in zip(line[3:], widths[3:])]
            return "  ".join(left + right).rstrip()

        rule = "-" * len(fmt(tuple("-" * w for w in widths)))
        return "\n".join(
            [fmt(header), rule, *map(fmt, body[:-1]), rule, fmt(body[-1])]
        )

    def _repr_pretty_(
        self, printer, cycle
    ) -> None:  # IPython shows the table, not the dataclass
        printer.text(str(self))


def cost_table(model: keras.Model) -> CostTable:
    """Per-layer parameters, MACs and activations (one image) of a model,
    nested models walked; each kept activation on the row that made it."""
    return CostTable(_rows(model))


def model_macs(model: keras.Model) -> int:
    """Multiply-accumulates of one forward pass of one image, by the module's
    MAC convention."""
    return sum(row.macs for row in _rows(model, memory=False))


def activation_count(model: keras.Model) -> int:
    """Elements of one image's tensors that a naive training step keeps for
    the backward pass (the module's activation convention).

    The rule is per operation, not per Keras layer: a layer with weights keeps
    its input (a separable convolution also its depthwise output), ReLU,
    sigmoid, tanh and softmax keep their output and swish or GELU their input,
    fused or not, batch norm and max pooling keep their input, sums,
    concatenations and average pooling keep nothing, padding, flatten,
    reshape and dropout are views of their input; each distinct tensor counts
    once and nested models are walked. So ``Conv2D(activation="relu")`` and
    ``Conv2D`` + ``ReLU`` count the same, and so do ``ZeroPadding2D`` + a
    valid convolution and a same-padded one. It bounds the memory of the
    stored activations of one image in a training step before any fusion or
    recomputation; it is not inference memory. The sum of every layer output
    (``cost_table(model).total.outputs``) is not comparable across models: it
    counts VGG's fused Conv2D+ReLU once but ResNet's separate BN, ReLU, Add
    and padding outputs each.
    """
    return sum(row.activations for row in _rows(model))


def activation_bytes(model: keras.Model, dtype: str = "float32") -> int:
    """Bytes of the activations a naive training step keeps for one image:
    activation_count x bytes per element."""
    check_choice("dtype", dtype, sorted(_DTYPE_BYTES))
    return activation_count(model) * _DTYPE_BYTES[dtype]
