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

Activation convention: elements of every layer output for ONE image (batch
dimension dropped), all kept at once as in training without recomputation. Each
model input is counted once (the ``InputLayer`` row), a nested model's own
InputLayer is not counted again, and every other layer output counts, including
Flatten/Reshape views and Dropout. A layer with a fused activation
(``Conv2D(..., activation="relu")``) has one output, so it counts once.

Everywhere ``k`` is an int (square kernel) or a pair ``(kh, kw)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class CostRow:
    """One call of one layer: its output shape (one image), parameters, MACs
    and activations."""

    name: str
    type: str
    output_shape: tuple
    params: int
    macs: int
    activations: int


def _walk(
    model: keras.Model,
    prefix: str = "",
    top: bool = True,
    first_call: bool = True,
) -> Iterator[CostRow]:
    """Yield one CostRow per layer call in topological order; a shared layer's
    params count once."""
    for op, nodes in _keras_graph(model):
        for i, node in enumerate(nodes):
            name = prefix + op.name + (f":{i}" if len(nodes) > 1 else "")
            if isinstance(op, layers.InputLayer):
                if top:
                    shape = _shape(node.outputs[0], op.name)
                    yield CostRow(
                        name, "InputLayer", shape, 0, 0, math.prod(shape)
                    )
            elif isinstance(op, keras.Model):
                yield from _walk(
                    op, f"{name}/", top=False, first_call=first_call and i == 0
                )
            else:
                shapes = [_shape(t, op.name) for t in node.outputs]
                params = (
                    op.count_params()
                    if first_call and i == 0 and isinstance(op, layers.Layer)
                    else 0
                )
                macs = (
                    _layer_macs(op, shapes[0])
                    if isinstance(op, layers.Layer)
                    else 0
                )
                yield CostRow(
                    name,
                    type(op).__name__,
                    shapes[0] if len(shapes) == 1 else tuple(shapes),
                    params,
                    macs,
                    sum(math.prod(s) for s in shapes),
                )


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
    nested models walked."""
    return CostTable(list(_walk(model)))


def model_macs(model: keras.Model) -> int:
    """Multiply-accumulates of one forward pass of one image, by the module's
    MAC convention."""
    return sum(row.macs for row in _walk(model))


def activation_count(model: keras.Model) -> int:
    """Elements of every layer output for one image, all kept at once as in
    training.

    The batch dimension is dropped. Each model input counts once (its
    InputLayer row); every other layer output counts, views such as Flatten
    included; a fused activation adds nothing; nested models are walked and
    their own InputLayers not counted again.
    """
    return sum(row.activations for row in _walk(model))


def activation_bytes(model: keras.Model, dtype: str = "float32") -> int:
    """Bytes to keep every layer output of one image at once: activation_count
    x bytes per element."""
    check_choice("dtype", dtype, sorted(_DTYPE_BYTES))
    return activation_count(model) * _DTYPE_BYTES[dtype]
